import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/bot/core.js';
import { createLogger } from '../../src/bot/logger.js';
import type { Message } from '../../src/bot/message.js';
import { createRoles } from '../../src/bot/permissions.js';
import { createRegistry } from '../../src/bot/registry.js';
import type { Actor, Invocation } from '../../src/bot/types.js';
import { createMlflowClient } from '../../src/clients/mlflow/mlflow-client.js';
import { commandSet } from '../../src/commands/index.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FakeDocker } from '../fakes/fake-docker.js';
import { buttonLine } from '../fakes/test-core.js';
import { airflow3Client, uniqueRunId, waitFor } from '../support/airflow-admin.js';
import { MlflowSeed, uniqueName } from '../support/mlflow-seed.js';
import { AIRFLOW_URL, MLFLOW_URL } from '../support/services.js';

// Every verb through the core with the real clients, against the Airflow 3 and MLflow the stack script runs.
const airflow = airflow3Client();
const mlflow = createMlflowClient({ baseUrl: MLFLOW_URL, timeoutMs: 30_000 });
const store = createSqliteStore({ path: ':memory:' });
const errors: string[] = [];
const core = createCore({
  registry: createRegistry(commandSet),
  services: { clients: { airflow, mlflow, docker: new FakeDocker() }, store },
  store,
  roles: createRoles({ admins: ['slack:UADMIN'], operators: ['slack:UOPS'], consoleRole: 'read' }),
  log: createLogger({
    level: 'error',
    destination: new Writable({
      write(chunk, _e, cb) {
        errors.push(String(chunk));
        cb();
      },
    }),
  }),
  timeoutMs: 60_000,
});
const admin: Actor = { platform: 'slack', userId: 'UADMIN', roleIds: [] };
let n = 0;
const inv = (line: string, actor: Actor = admin): Invocation => ({
  id: `it_${++n}`,
  actor,
  origin: { platform: 'slack', channelId: 'CIT' },
  via: 'slash',
  input: { kind: 'line', line },
});
const run = (line: string, actor?: Actor, progress?: (m: Message) => Promise<void>) =>
  core.plan(inv(line, actor)).run(progress);

const seed = new MlflowSeed();
let experiment = '';
let model = '';

beforeAll(async () => {
  experiment = uniqueName('it_cmd_exp');
  const id = await seed.experiment(experiment);
  const a = await seed.run(id, { name: 'it_a', metrics: { acc: 0.81, loss: 0.4 } });
  const b = await seed.run(id, { name: 'it_b', metrics: { acc: 0.93, loss: 0.2 } });
  model = await seed.model(uniqueName('it_cmd_model'));
  await seed.version(model, a);
  await seed.version(model, b);
  await seed.alias(model, 'champion', '1');
});

afterAll(async () => {
  await core.stop();
  await seed.cleanup();
  await store.close();
  expect(errors).toEqual([]);
});

describe('Airflow verbs on the real Airflow 3', () => {
  it('status reports the components with heartbeats, MLflow and run counts', async () => {
    const m = await run('status');
    const labels = m.fields?.map((f) => f.label) ?? [];
    expect(labels).toEqual(
      expect.arrayContaining(['Airflow scheduler', 'MLflow', 'Running runs', 'Failed runs (24 h)']),
    );
    expect(m.fields?.find((f) => f.label === 'Airflow scheduler')?.value).toMatch(/^healthy, heartbeat \d+ s ago$/);
    expect(m.fields?.find((f) => f.label === 'MLflow')?.value).toBe('healthy');
    expect(m.footer).toMatch(/^Airflow 3\.\d+\.\d+ \(API v2\) · MLflow 3\./);
  });

  it('dags lists the chatops DAGs', async () => {
    const m = await run('dags chatops');
    expect(m.text).toContain('`chatops_smoke` active · chatops');
  });

  const runId = uniqueRunId('cmd_smoke');
  it('trigger starts chatops_smoke and edits the reply until it succeeds', async () => {
    const edits: string[] = [];
    const m = await run(`trigger chatops_smoke --run-id ${runId}`, undefined, async (e) => {
      edits.push(e.title ?? '');
    });
    expect(m.title).toBe('Triggered chatops_smoke');
    expect(m.fields?.[0]).toEqual({ label: 'Run', value: runId });
    await core.idle();
    expect(edits.at(-1)).toBe('chatops_smoke: success');
    const audit = await store.listAudit({ limit: 5 });
    expect(audit.find((e) => e.verb === 'trigger')).toMatchObject({ actor: 'slack:UADMIN', outcome: 'ok' });
  });

  it('runs lists the new run', async () => {
    const m = await run('runs chatops_smoke --limit 20');
    expect(m.text).toContain(`✓ success \`${runId}\``);
  });

  it('run shows both tasks with their states', async () => {
    const m = await run(`run chatops_smoke ${runId}`);
    expect(m.title).toBe('chatops_smoke: success');
    expect(m.text).toMatch(/✓ `hello` success/);
    expect(m.text).toMatch(/✓ `done` success/);
  });

  it('logs shows what the task printed', async () => {
    const m = await run(`logs chatops_smoke ${runId} hello --lines 200`);
    expect(m.code?.body).toContain('chatops_smoke: hello');
    expect(m.actions?.find((a) => a.kind === 'link')).toMatchObject({
      url: expect.stringContaining('/dags/chatops_smoke/'),
    });
  });

  it('retry on a successful run says there is nothing to clear', async () => {
    const m = await run(`retry chatops_smoke ${runId}`);
    expect(m.text).toBe(`Run \`${runId}\` of \`chatops_smoke\` has no failed tasks; nothing to clear.`);
  });

  it('retry previews the failed task of a chatops_flaky run, clears it on Confirm, and Airflow runs try 2', async () => {
    const flakyId = uniqueRunId('cmd_flaky');
    const edits: string[] = [];
    // fail=true is typed as a boolean from the DAG's declared Param, and makes every try fail.
    const m = await run(`trigger chatops_flaky fail=true --run-id ${flakyId}`, undefined, async (e) => {
      edits.push(e.title ?? '');
    });
    expect(m.fields).toContainEqual({ label: 'Conf', value: '{"fail":true}' });
    await core.idle();
    expect(edits.at(-1)).toBe('chatops_flaky: failed');

    const preview = await run(`retry chatops_flaky ${flakyId}`);
    expect(preview.title).toBe('Clear 1 task of chatops_flaky?');
    expect(preview.text).toBe('`flaky` failed');
    const done = await run(buttonLine(preview, 'Confirm'));
    expect(done.title).toBe('Cleared 1 task of chatops_flaky');

    await waitFor(
      'try 2 of flaky to end',
      () => airflow.listTaskInstances('chatops_flaky', flakyId),
      (tis) => tis.some((t) => t.taskId === 'flaky' && t.tryNumber === 2 && t.state === 'failed'),
    );
    await waitFor(
      'the run to fail again',
      () => airflow.getDagRun('chatops_flaky', flakyId),
      (r) => r.state === 'failed',
    );
    const after = await run(`run chatops_flaky ${flakyId}`);
    expect(after.text).toMatch(/✗ `flaky` failed, .*try 2/);
    expect(after.actions?.[0]).toMatchObject({ label: 'Retry', command: `retry chatops_flaky ${flakyId}` });
  });

  it('pause and unpause flip the DAG and offer the opposite', async () => {
    try {
      const paused = await run('pause chatops_smoke');
      expect(paused.title).toBe('Paused chatops_smoke');
      expect((await airflow.getDag('chatops_smoke')).isPaused).toBe(true);
      expect(paused.actions?.[0]).toMatchObject({ command: 'unpause chatops_smoke' });
    } finally {
      const unpaused = await run('unpause chatops_smoke');
      expect(unpaused.title).toBe('Unpaused chatops_smoke');
    }
    expect((await airflow.getDag('chatops_smoke')).isPaused).toBe(false);
  });

  it('trigger types conf pairs against the declared params before anything runs', async () => {
    const m = await run('trigger ml_pipeline_end_to_end n_estimators=lots');
    expect(m.text).toBe('Param `n_estimators` expects a whole number.');
    const bounds = await run('trigger ml_pipeline_end_to_end n_estimators=5');
    expect(bounds.text).toBe('Param `n_estimators` expects at least 10.');
  });

  it('an unknown DAG is named', async () => {
    expect((await run('trigger no_such_dag_xyz')).text).toBe('DAG `no_such_dag_xyz` was not found.');
    expect((await run('runs no_such_dag_xyz')).text).toBe('DAG `no_such_dag_xyz` was not found.');
  });

  it('failures answers for the last hour', async () => {
    const m = await run('failures --since 1h');
    expect(m.title ?? m.text).toMatch(/failed run|No failed runs in the last 1h/);
  });
});

describe('MLflow verbs on the real MLflow 3', () => {
  it('experiments finds the seeded experiment', async () => {
    const m = await run(`experiments ${experiment}`);
    expect(m.text).toMatch(new RegExp(`^\`${experiment}\` id \\d+$`));
  });

  it('best ranks by the metric both ways', async () => {
    const max = await run(`best ${experiment} acc`);
    expect(max.text?.split('\n').map((l) => l.slice(0, 12))).toEqual(['1. `it_b` ac', '2. `it_a` ac']);
    const min = await run(`best ${experiment} loss --min --limit 1`);
    expect(min.text).toMatch(/^1\. `it_b` loss=0\.2 run `\w+`$/);
  });

  it('models and model show versions and the alias', async () => {
    expect((await run('models')).text).toContain(`\`${model}\` latest v2 · champion→v1`);
    const m = await run(`model ${model}`);
    expect(m.fields?.[0]).toEqual({ label: 'Aliases', value: 'champion → v1' });
    expect(m.text?.split('\n')[0]).toMatch(/^v2 READY/);
  });

  it('promote previews, then moves the alias on Confirm', async () => {
    const preview = await run(`promote ${model} 2`);
    expect(preview.title).toBe(`Point champion of ${model} at v2?`);
    expect((await mlflow.getVersionByAlias(model, 'champion')).version).toBe('1');
    const done = await run(buttonLine(preview, 'Confirm'));
    expect(done.title).toBe(`${model} champion → v2`);
    expect((await mlflow.getVersionByAlias(model, 'champion')).version).toBe('2');
  });

  it('unknown experiment and model are named', async () => {
    expect((await run('best no_such_exp_xyz acc')).text).toBe('Experiment `no_such_exp_xyz` was not found.');
    expect((await run('model no_such_model_xyz')).text).toBe('Model `no_such_model_xyz` was not found.');
  });
});

describe('bad input and outages on the real stack', () => {
  it('a reader is denied trigger and nothing runs', async () => {
    const before = (await airflow.listDagRuns({ dagId: 'chatops_smoke', limit: 1 })).total;
    const m = await run('trigger chatops_smoke', { platform: 'slack', userId: 'UREAD', roleIds: [] });
    expect(m.text).toMatch(/needs the operate role/);
    expect((await airflow.listDagRuns({ dagId: 'chatops_smoke', limit: 1 })).total).toBe(before);
  });

  it('Airflow down names the service and URL within the timeout', async () => {
    const { createAirflowClient } = await import('../../src/clients/airflow/airflow-client.js');
    const down = createCore({
      registry: createRegistry(commandSet),
      services: {
        store,
        clients: {
          airflow: createAirflowClient({
            baseUrl: 'http://127.0.0.1:1',
            username: 'a',
            password: 'b',
            apiVersion: 'v2',
            timeoutMs: 2_000,
          }),
          mlflow,
          docker: new FakeDocker(),
        },
      },
      store,
      roles: createRoles({ admins: [], operators: [], consoleRole: 'read' }),
      log: createLogger({ level: 'silent' }),
      timeoutMs: 10_000,
    });
    const m = await down.plan(inv('dags')).run();
    expect(m.text).toBe(
      'Airflow at http://127.0.0.1:1 is unreachable (connection refused). Is it running? Check AIRFLOW_URL.',
    );
    expect(AIRFLOW_URL).not.toBe('http://127.0.0.1:1');
  });
});
