// Airflow 2.10 (/api/v1, Basic auth) on AIRFLOW2_URL, started with `bash scripts/mlops-services.sh up-airflow2`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../src/bot/errors.js';
import type { AirflowClient, DagRun } from '../../src/clients/airflow/types.js';
import { airflow2Client, setAirflow2Variable, uniqueRunId, waitFor } from '../support/airflow-admin.js';
import { AIRFLOW2_URL } from '../support/services.js';

const FLAKY_SWITCH = 'chatops_flaky_fail';
const FINISHED = new Set(['success', 'failed']);
let client: AirflowClient;

beforeAll(async () => {
  // The shared global setup only knows Airflow 3; this file needs Airflow 2 too, and says how to get it.
  const up = await fetch(`${AIRFLOW2_URL}/api/v1/health`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) {
    throw new Error(`Airflow 2 is not answering on ${AIRFLOW2_URL}: run bash scripts/mlops-services.sh up-airflow2`);
  }
  client = airflow2Client();
});

afterAll(async () => {
  if (client) await setAirflow2Variable(FLAKY_SWITCH, 'false');
});

function finished(dagId: string, runId: string): Promise<DagRun> {
  return waitFor(
    `run ${runId} of ${dagId} to finish`,
    () => client.getDagRun(dagId, runId),
    (r) => FINISHED.has(r.state),
    170_000,
    2_000,
  );
}

async function failure(p: Promise<unknown>): Promise<BotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotError);
  return err as BotError;
}

describe('AirflowClient against a real Airflow 2.10 (/api/v1)', () => {
  it('detects /api/v1 and reads health and version', async () => {
    expect(await client.apiVersion()).toBe('v1');
    const h = await client.health();
    expect(h.version).toMatch(/^2\./);
    expect(h.apiVersion).toBe('v1');
    expect(h.components.find((c) => c.name === 'metadatabase')?.status).toBe('healthy');
  });

  it('lists the chatops DAGs and reads params with Basic auth', async () => {
    const page = await client.listDags({ pattern: 'chatops_' });
    expect(page.items.map((d) => d.dagId)).toEqual(expect.arrayContaining(['chatops_smoke', 'chatops_flaky']));
    const dag = await client.getDag('chatops_flaky');
    expect(dag.params.find((p) => p.name === 'fail')).toMatchObject({ type: 'boolean', default: false });
    expect(dag.url).toMatch(/\/dags\/chatops_flaky\/grid$/);
  });

  it('triggers chatops_smoke, follows it to success, lists its tasks and reads a log', async () => {
    const runId = uniqueRunId('v1smoke');
    const run = await client.triggerDagRun('chatops_smoke', { runId, conf: { source: 'it' } });
    expect(run).toMatchObject({ dagId: 'chatops_smoke', runId, conf: { source: 'it' } });
    expect(run.logicalDate).toBeInstanceOf(Date);
    expect((await finished('chatops_smoke', runId)).state).toBe('success');

    const tis = await client.listTaskInstances('chatops_smoke', runId);
    expect(tis.map((t) => [t.taskId, t.state]).sort()).toEqual([
      ['done', 'success'],
      ['hello', 'success'],
    ]);
    const log = await client.taskLog({ dagId: 'chatops_smoke', runId, taskId: 'hello' });
    expect(log.tryNumber).toBe(1);
    expect(log.lines.join('\n')).toContain('chatops_smoke: hello');

    const runs = await client.listDagRuns({ dagId: 'chatops_smoke', updatedSince: new Date(Date.now() - 30 * 60_000) });
    expect(runs.items.map((r) => r.runId)).toContain(runId);
    const since = new Date(Date.now() - 30 * 60_000);
    const window = (until: Date) =>
      client.listDagRuns({ dagId: '~', updatedSince: since, updatedUntil: until, orderBy: 'updated_at', limit: 100 });
    expect((await window(new Date())).items.map((r) => r.runId)).toContain(runId);
    expect((await window(new Date(since.getTime() + 1))).items.map((r) => r.runId)).not.toContain(runId);

    const dup = await failure(client.triggerDagRun('chatops_smoke', { runId }));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.userMessage).toContain(runId);
  });

  it('answers an unknown DAG with NOT_FOUND naming it', async () => {
    const e = await failure(client.getDag('it_no_such_dag_x'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.userMessage).toMatch(/no DAG named 'it_no_such_dag_x'/);
  });

  it('fails chatops_flaky, previews the clear, and recovers after a real clear', async () => {
    await setAirflow2Variable(FLAKY_SWITCH, 'true');
    const runId = uniqueRunId('v1flaky');
    await client.triggerDagRun('chatops_flaky', { runId });
    expect((await finished('chatops_flaky', runId)).state).toBe('failed');
    const failed = (await client.listTaskInstances('chatops_flaky', runId)).find((t) => t.taskId === 'flaky');
    expect(failed?.state).toBe('failed');
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId, taskId: 'flaky', lines: 60 });
    expect(log.lines.join('\n')).toContain('simulated failure');
    expect(log.lines.join('\n')).not.toMatch(/::(end)?group::/);

    await setAirflow2Variable(FLAKY_SWITCH, 'false');
    const preview = await client.clearFailed({ dagId: 'chatops_flaky', runId, dryRun: true });
    expect(preview.tasks).toEqual([{ taskId: 'flaky', mapIndex: -1, state: 'failed' }]);
    expect((await client.getDagRun('chatops_flaky', runId)).state).toBe('failed');

    await client.clearFailed({ dagId: 'chatops_flaky', runId, dryRun: false });
    const rerun = await waitFor(
      `run ${runId} to succeed after the clear`,
      () => client.getDagRun('chatops_flaky', runId),
      (r) => r.state === 'success',
      170_000,
      2_000,
    );
    expect(rerun.state).toBe('success');
    const log2 = await client.taskLog({ dagId: 'chatops_flaky', runId, taskId: 'flaky' });
    expect(log2.tryNumber).toBe(2);
    expect(log2.lines.join('\n')).toContain('succeeded on try 2');
  });
});
