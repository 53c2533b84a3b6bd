import { describe, expect, it } from 'vitest';
import { fakeDag, fakeRun, fakeTask } from '../../fakes/fake-airflow.js';
import { createTestCore, lineInvocation, operator } from '../../fakes/test-core.js';

describe('dags', () => {
  it('lists DAGs with state and tags, filtered by id', async () => {
    const t = createTestCore();
    t.airflow.dags.set('etl_daily', fakeDag('etl_daily', { isPaused: true, tags: ['etl'] }));
    const m = await t.core.plan(lineInvocation('dags etl')).run();
    expect(m.title).toBe('1 DAG matching “etl”');
    expect(m.text).toBe('`etl_daily` paused · etl');
    expect(t.airflow.calls[0]?.args[0]).toMatchObject({ pattern: 'etl' });
  });

  it('says so when nothing matches', async () => {
    const t = createTestCore();
    expect((await t.core.plan(lineInvocation('dags nothing')).run()).text).toBe('No DAGs matching `nothing`.');
  });
});

describe('trigger', () => {
  it('triggers with typed conf pairs checked against the DAG params, and offers Status', async () => {
    const t = createTestCore();
    t.airflow.dags.set(
      'train_model',
      fakeDag('train_model', {
        params: [
          { name: 'epochs', type: 'integer' },
          { name: 'lr', type: 'number' },
          { name: 'dry', type: 'boolean' },
          { name: 'note', type: 'string' },
        ],
      }),
    );
    const m = await t.core
      .plan(lineInvocation('trigger train_model epochs=3 lr=0.01 dry=true note="héllo “wörld”"', operator))
      .run();
    expect(t.airflow.triggered).toEqual([
      {
        dagId: 'train_model',
        req: { conf: { epochs: 3, lr: 0.01, dry: true, note: 'héllo “wörld”' }, runId: undefined },
      },
    ]);
    expect(m.title).toBe('Triggered train_model');
    expect(m.fields?.[0]).toEqual({ label: 'Run', value: 'manual__2026-11-26T09:00:00+00:00' });
    expect(m.actions?.[0]).toEqual({
      kind: 'command',
      label: 'Status',
      command: 'run train_model manual__2026-11-26T09:00:00+00:00',
    });
  });

  it('passes --conf JSON and --run-id through', async () => {
    const t = createTestCore();
    await t.core
      .plan(lineInvocation(`trigger train_model --conf '{"lr": 0.1, "tags": ["a"]}' --run-id chatops__1`, operator))
      .run();
    expect(t.airflow.triggered[0]?.req).toEqual({ conf: { lr: 0.1, tags: ['a'] }, runId: 'chatops__1' });
  });

  it('rejects a pair whose type does not match the declared param', async () => {
    const t = createTestCore();
    t.airflow.dags.set('train_model', fakeDag('train_model', { params: [{ name: 'epochs', type: 'integer' }] }));
    const m = await t.core.plan(lineInvocation('trigger train_model epochs=lots', operator)).run();
    expect(m.text).toBe('Param `epochs` expects a whole number.');
    expect(t.airflow.triggered).toEqual([]);
  });

  it('never echoes what was typed into malformed conf, which may be a secret', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation(`trigger train_model --conf '{"db_password": hunter2}'`)).run();
    expect(m.text).toMatch(/^conf is not valid JSON: /);
    expect(JSON.stringify(m)).not.toContain('hunter2');
    expect(t.airflow.triggered).toEqual([]);
  });

  it('rejects a pair the DAG does not declare, listing the params', async () => {
    const t = createTestCore();
    t.airflow.dags.set('train_model', fakeDag('train_model', { params: [{ name: 'epochs', type: 'integer' }] }));
    const m = await t.core.plan(lineInvocation('trigger train_model epoch=3', operator)).run();
    expect(m.text).toBe('The DAG declares no param `epoch`. Params: `epochs`.');
  });

  it('edits the reply as the run goes queued -> running -> success', async () => {
    const t = createTestCore();
    t.airflow.runStates = ['queued', 'running', 'running', 'success'];
    const edits: string[] = [];
    const m = await t.core.plan(lineInvocation('trigger train_model', operator)).run(async (msg) => {
      edits.push(msg.title ?? '');
    });
    expect(m.fields?.[1]).toEqual({ label: 'State', value: 'queued', inline: true });
    await t.core.idle();
    expect(edits).toEqual(['train_model: running', 'train_model: success']);
    expect(t.clock.sleeps).toEqual([3000, 3000, 3000, 3000]);
  });
});

describe('trigger progress on a long run', () => {
  it('polls less often after two minutes', async () => {
    const t = createTestCore();
    t.airflow.runStates = [...Array(50).fill('queued'), 'success'];
    await t.core.plan(lineInvocation('trigger train_model', operator)).run(async () => {});
    await t.core.idle();
    expect(t.clock.sleeps.slice(0, 3)).toEqual([3000, 3000, 3000]);
    expect(t.clock.sleeps.at(-1)).toBe(15000);
    expect(t.clock.sleeps.filter((ms) => ms === 3000)).toHaveLength(41);
  });
});

describe('runs, run and logs', () => {
  it('lists recent runs with a button per run', async () => {
    const t = createTestCore();
    t.airflow.runs.push(
      fakeRun('train_model', 'r1', { state: 'success', startDate: new Date('2026-11-26T08:00:00Z') }),
    );
    const m = await t.core.plan(lineInvocation('runs train_model --state success --limit 5')).run();
    expect(m.text).toBe('✓ success `r1` 1 h ago');
    expect(m.actions?.[0]).toMatchObject({ command: 'run train_model r1' });
    expect(t.airflow.calls[0]?.args[0]).toMatchObject({ dagId: 'train_model', states: ['success'], limit: 5 });
  });

  it('shows one run with task states and durations, and Retry and Logs when it failed', async () => {
    const t = createTestCore();
    t.airflow.runs.push(
      fakeRun('train_model', 'r1', {
        state: 'failed',
        startDate: new Date('2026-11-26T08:50:00Z'),
        endDate: new Date('2026-11-26T08:52:00Z'),
      }),
    );
    t.airflow.tasks.push(
      fakeTask('train_model', 'r1', 'extract', { durationSec: 4 }),
      fakeTask('train_model', 'r1', 'fit', { state: 'failed', durationSec: 75, tryNumber: 2 }),
    );
    const m = await t.core.plan(lineInvocation('run train_model r1')).run();
    expect(m.title).toBe('train_model: failed');
    expect(m.text).toBe('✓ `extract` success, 4 s\n✗ `fit` failed, 1 min, try 2');
    expect(m.fields).toContainEqual({ label: 'Took', value: '2 min', inline: true });
    expect(m.actions?.map((a) => (a.kind === 'command' ? a.command : a.url))).toEqual([
      'retry train_model r1',
      'logs train_model r1 fit',
      'http://127.0.0.1:8082/dags/train_model/runs/r1',
    ]);
  });

  it('shows the tail of a task log as code', async () => {
    const t = createTestCore();
    t.airflow.logLines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
    const m = await t.core.plan(lineInvocation('logs train_model r1 fit --try 2 --lines 3')).run();
    expect(m.code?.body).toBe('line 8\nline 9\nline 10');
    expect(m.title).toBe('fit, try 2 (last 3 lines; 7 earlier lines not shown)');
    expect(t.airflow.calls[0]?.args[0]).toEqual({
      dagId: 'train_model',
      runId: 'r1',
      taskId: 'fit',
      tryNumber: 2,
      lines: 3,
    });
  });
});

describe('retry, pause, unpause, failures', () => {
  it('refuses to retry a run with nothing failed', async () => {
    const t = createTestCore();
    t.airflow.runs.push(fakeRun('train_model', 'r1', { state: 'success' }));
    const m = await t.core.plan(lineInvocation('retry train_model r1', operator)).run();
    expect(m.text).toBe('Run `r1` of `train_model` has no failed tasks; nothing to clear.');
  });

  it('pauses and unpauses, offering the opposite', async () => {
    const t = createTestCore();
    const p = await t.core.plan(lineInvocation('pause train_model', operator)).run();
    expect(p.title).toBe('Paused train_model');
    expect(p.actions?.[0]).toMatchObject({ command: 'unpause train_model' });
    await t.core.plan(lineInvocation('unpause train_model', operator)).run();
    expect(t.airflow.paused).toEqual([
      { dagId: 'train_model', paused: true },
      { dagId: 'train_model', paused: false },
    ]);
  });

  it('lists failures in a window across all DAGs', async () => {
    const t = createTestCore();
    t.airflow.runs.push(fakeRun('etl', 'r9', { state: 'failed', endDate: new Date('2026-11-26T08:30:00Z') }));
    const m = await t.core.plan(lineInvocation('failures --since 2h')).run();
    expect(m.title).toBe('1 failed run in the last 2h');
    expect(m.text).toBe('✗ `etl` `r9` 30 min ago');
    expect(t.airflow.calls[0]?.args[0]).toMatchObject({
      dagId: '~',
      states: ['failed'],
      updatedSince: new Date('2026-11-26T07:00:00Z'),
    });
  });

  it('rejects a window it cannot read', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation('failures since=soon')).run();
    expect(m.text).toMatch(/`since` must be a duration such as 30m, 24h or 7d/);
    expect(t.airflow.calls).toEqual([]);
  });
});
