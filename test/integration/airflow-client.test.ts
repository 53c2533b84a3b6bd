// AirflowClient against the real servers: Airflow 3 (/api/v2) on AIRFLOW_URL and Airflow 2.10 (/api/v1, Basic auth)
// on AIRFLOW2_URL, the latter started with `bash scripts/mlops-services.sh up-airflow2`. One table, both servers.
import axios, { type AxiosAdapter } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../src/clients/airflow/airflow-client.js';
import type { AirflowApiVersion, AirflowClient, DagRun } from '../../src/clients/airflow/types.js';
import {
  AIRFLOW_PASS,
  AIRFLOW_USER,
  airflow2Client,
  airflow3Client,
  setAirflow2Variable,
  setVariable,
  uniqueRunId,
  waitFor,
} from '../support/airflow-admin.js';
import { failure } from '../support/failure.js';
import { AIRFLOW_URL, AIRFLOW2_URL } from '../support/services.js';

interface Server {
  name: string;
  version: AirflowApiVersion;
  major: RegExp;
  client(): AirflowClient;
  /** Throws, saying how to start it, when the server is not up. */
  ready(): Promise<void>;
  setVariable(key: string, value: string): Promise<void>;
  /** How long a run may take, and how often to look. */
  wait: [timeoutMs: number, everyMs: number];
  /** Where UI links end: a DAG page, and a task try's log. */
  dagUrlEnd(dagId: string): string;
  logUrlEnd(runId: string, taskId: string, tryNumber: number): string;
  /** Airflow 3 triggers without a logical date; Airflow 2 stamps one. */
  triggersWithLogicalDate: boolean;
  /** Owners as /details reports them for ml_pipeline_end_to_end (Airflow 2.10 answers none there, unlike its list). */
  pipelineOwners: string[];
}

const SERVERS: Server[] = [
  {
    name: 'a real Airflow 3 (/api/v2)',
    version: 'v2',
    major: /^3\./,
    client: airflow3Client,
    // The shared global setup has checked Airflow 3 already.
    ready: async () => {},
    setVariable,
    wait: [150_000, 1_000],
    dagUrlEnd: (dagId) => `/dags/${dagId}`,
    logUrlEnd: (runId, taskId, n) => `/runs/${runId}/tasks/${taskId}?try_number=${n}`,
    triggersWithLogicalDate: false,
    pipelineOwners: ['ml-team'],
  },
  {
    name: 'a real Airflow 2.10 (/api/v1)',
    version: 'v1',
    major: /^2\./,
    client: airflow2Client,
    async ready() {
      const up = await fetch(`${AIRFLOW2_URL}/api/v1/health`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) {
        throw new Error(
          `Airflow 2 is not answering on ${AIRFLOW2_URL}: run bash scripts/mlops-services.sh up-airflow2`,
        );
      }
    },
    setVariable: setAirflow2Variable,
    wait: [170_000, 2_000],
    dagUrlEnd: (dagId) => `/dags/${dagId}/grid`,
    logUrlEnd: (runId, taskId, n) => `/grid?dag_run_id=${runId}&task_id=${taskId}&tab=logs&try_number=${n}`,
    triggersWithLogicalDate: true,
    pipelineOwners: [],
  },
];

const FLAKY_SWITCH = 'chatops_flaky_fail';
const FINISHED = new Set(['success', 'failed']);

describe.each(SERVERS)('AirflowClient against $name', (s) => {
  let client: AirflowClient;

  beforeAll(async () => {
    await s.ready();
    client = s.client();
  });

  afterAll(async () => {
    // Leave the flaky DAG in its healthy position for whoever runs next.
    if (client) await s.setVariable(FLAKY_SWITCH, 'false');
  });

  function finished(dagId: string, runId: string): Promise<DagRun> {
    return waitFor(
      `run ${runId} of ${dagId} to finish`,
      () => client.getDagRun(dagId, runId),
      (r) => FINISHED.has(r.state),
      ...s.wait,
    );
  }

  it('detects its API and reports healthy components with fresh heartbeats', async () => {
    expect(await client.apiVersion()).toBe(s.version);
    const h = await client.health();
    expect(h.version).toMatch(s.major);
    expect(h.apiVersion).toBe(s.version);
    const byName = new Map(h.components.map((c) => [c.name, c]));
    expect(byName.get('metadatabase')?.status).toBe('healthy');
    expect(byName.get('scheduler')?.status).toBe('healthy');
    const beat = byName.get('scheduler')?.latestHeartbeat;
    expect(beat).toBeInstanceOf(Date);
    expect(Date.now() - (beat?.getTime() ?? 0)).toBeLessThan(120_000);
  });

  it('lists the chatops DAGs by pattern and tag, and reads params', async () => {
    const page = await client.listDags({ pattern: 'chatops_', tags: ['chatops'] });
    const ids = page.items.map((d) => d.dagId);
    expect(ids).toEqual(expect.arrayContaining(['chatops_smoke', 'chatops_flaky']));
    expect(page.total).toBeGreaterThanOrEqual(2);
    for (const d of page.items) expect(d.tags).toContain('chatops');
    const dag = await client.getDag('chatops_flaky');
    expect(dag.params.find((p) => p.name === 'fail')).toMatchObject({ type: 'boolean', default: false });
    expect(dag.url.endsWith(s.dagUrlEnd('chatops_flaky'))).toBe(true);
  });

  it('reads a DAG with its typed params', async () => {
    const dag = await client.getDag('ml_pipeline_end_to_end');
    expect(dag.owners).toEqual(s.pipelineOwners);
    expect(dag.url.endsWith(s.dagUrlEnd('ml_pipeline_end_to_end'))).toBe(true);
    const byName = new Map(dag.params.map((p) => [p.name, p]));
    expect(byName.get('n_estimators')).toMatchObject({ type: 'integer', default: 50, minimum: 10, maximum: 500 });
    expect(byName.get('max_depth')).toMatchObject({ type: 'integer', default: null, minimum: 1 });
    expect(byName.get('test_size')).toMatchObject({ type: 'number', default: 0.25, description: 'Held-out fraction' });
  });

  it('pauses and unpauses a DAG', async () => {
    try {
      expect((await client.setPaused('chatops_smoke', true)).isPaused).toBe(true);
      expect((await client.getDag('chatops_smoke')).isPaused).toBe(true);
    } finally {
      expect((await client.setPaused('chatops_smoke', false)).isPaused).toBe(false);
    }
  });

  it('triggers chatops_smoke, sees it succeed, and tails a task log', async () => {
    const runId = uniqueRunId(`${s.version}smoke`);
    const run = await client.triggerDagRun('chatops_smoke', { runId, conf: { source: 'it' }, note: 'integration' });
    expect(run).toMatchObject({ dagId: 'chatops_smoke', runId, runType: 'manual', conf: { source: 'it' } });
    expect(['queued', 'running']).toContain(run.state);
    expect(run.logicalDate instanceof Date).toBe(s.triggersWithLogicalDate);

    const done = await finished('chatops_smoke', runId);
    expect(done.state).toBe('success');
    expect(done.endDate).toBeInstanceOf(Date);

    const tis = await client.listTaskInstances('chatops_smoke', runId);
    expect(tis.map((t) => [t.taskId, t.state]).sort()).toEqual([
      ['done', 'success'],
      ['hello', 'success'],
    ]);
    const log = await client.taskLog({ dagId: 'chatops_smoke', runId, taskId: 'hello' });
    expect(log.tryNumber).toBe(1);
    expect(log.lines.join('\n')).toContain('chatops_smoke: hello');
    expect(log.lines.join('\n')).not.toMatch(/::(end)?group::/);

    const recent = await client.listDagRuns({
      dagId: '~',
      updatedSince: new Date(Date.now() - 10 * 60_000),
      limit: 100,
    });
    expect(recent.items.map((r) => r.runId)).toContain(runId);
    const since = new Date(Date.now() - 10 * 60_000);
    const window = (until: Date) =>
      client.listDagRuns({ dagId: '~', updatedSince: since, updatedUntil: until, orderBy: 'updated_at', limit: 100 });
    expect((await window(new Date())).items.map((r) => r.runId)).toContain(runId);
    expect((await window(new Date(since.getTime() + 1))).items.map((r) => r.runId)).not.toContain(runId);

    const dup = await failure(client.triggerDagRun('chatops_smoke', { runId }));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.userMessage).toContain(runId);
  });

  it('answers an unknown DAG or run with NOT_FOUND naming it', async () => {
    const e = await failure(client.triggerDagRun('it_no_such_dag_x'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.userMessage).toMatch(/no DAG named 'it_no_such_dag_x'/);
    const g = await failure(client.getDag('it_no_such_dag_x'));
    expect(g.code).toBe('NOT_FOUND');
    expect(g.userMessage).toMatch(/no DAG named 'it_no_such_dag_x'/);
    const r = await failure(client.getDagRun('chatops_smoke', 'it_no_such_run'));
    expect(r.userMessage).toMatch(/no run 'it_no_such_run' of DAG 'chatops_smoke'/);
  });

  it('fails chatops_flaky, shows the error in the log tail, previews a clear, and recovers after a real clear', async () => {
    await s.setVariable(FLAKY_SWITCH, 'true');
    const runId = uniqueRunId(`${s.version}flaky`);
    await client.triggerDagRun('chatops_flaky', { runId });
    expect((await finished('chatops_flaky', runId)).state).toBe('failed');

    const tis = await client.listTaskInstances('chatops_flaky', runId);
    expect(tis.find((t) => t.taskId === 'flaky')).toMatchObject({ state: 'failed', tryNumber: 1 });
    expect(tis.find((t) => t.taskId === 'prepare')?.state).toBe('success');

    const log = await client.taskLog({ dagId: 'chatops_flaky', runId, taskId: 'flaky', lines: 60 });
    expect(log.tryNumber).toBe(1);
    expect(log.lines.join('\n')).toContain('simulated failure');
    expect(log.lines.join('\n')).not.toMatch(/::(end)?group::/);
    expect(log.url.endsWith(s.logUrlEnd(runId, 'flaky', 1))).toBe(true);

    await s.setVariable(FLAKY_SWITCH, 'false');

    const preview = await client.clearFailed({ dagId: 'chatops_flaky', runId, dryRun: true });
    expect(preview).toEqual({ dryRun: true, tasks: [{ taskId: 'flaky', mapIndex: -1, state: 'failed' }] });
    expect((await client.getDagRun('chatops_flaky', runId)).state).toBe('failed');
    const still = await client.listTaskInstances('chatops_flaky', runId);
    expect(still.find((t) => t.taskId === 'flaky')?.state).toBe('failed');

    const cleared = await client.clearFailed({ dagId: 'chatops_flaky', runId, dryRun: false });
    expect(cleared.tasks.map((t) => t.taskId)).toEqual(['flaky']);
    const rerun = await waitFor(
      `run ${runId} to succeed after the clear`,
      () => client.getDagRun('chatops_flaky', runId),
      (r) => r.state === 'success',
      ...s.wait,
    );
    expect(rerun.state).toBe('success');
    const after = await client.listTaskInstances('chatops_flaky', runId);
    expect(after.find((t) => t.taskId === 'flaky')).toMatchObject({ state: 'success', tryNumber: 2 });
    const log2 = await client.taskLog({ dagId: 'chatops_flaky', runId, taskId: 'flaky' });
    expect(log2.tryNumber).toBe(2);
    expect(log2.lines.join('\n')).toContain('succeeded on try 2');
  });
});

describe('AirflowClient against a real Airflow 3 only', () => {
  it('renews a token the server rejects and retries the call once', async () => {
    // A real adapter that spoils the first API request's token, as an expired JWT would be.
    const http = axios.getAdapter('http');
    let spoiled = 0;
    const sent: string[] = [];
    const adapter: AxiosAdapter = (config) => {
      if (config.url?.startsWith('/dags')) {
        if (spoiled++ === 0) config.headers.set('Authorization', 'Bearer expired.jwt.token');
        sent.push(String(config.headers.get('Authorization')).slice(0, 12));
      }
      if (config.url === '/auth/token') sent.push('login');
      return http(config);
    };
    const c = createAirflowClient({
      baseUrl: AIRFLOW_URL,
      username: AIRFLOW_USER,
      password: AIRFLOW_PASS,
      apiVersion: 'v2',
      adapter,
    });
    const page = await c.listDags({ pattern: 'chatops_smoke' });
    expect(page.items.map((d) => d.dagId)).toEqual(['chatops_smoke']);
    expect(sent).toEqual(['login', 'Bearer expir', 'login', 'Bearer eyJhb']);
  });
});
