import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import type { AirflowClient } from '../../../src/clients/airflow/types.js';
import { type AirflowStub, fixture, startAirflowStub } from '../../support/airflow-stub-server.js';

const PASSWORD = 's3cret-pw';
const TOKEN = 'eyJhbGciOiJIUzUxMiJ9.stub.sig';
let stub: AirflowStub;
let client: AirflowClient;

beforeAll(async () => {
  stub = await startAirflowStub([
    { method: 'GET', path: '/api/v2/version', reply: { body: fixture('v2/version') } },
    { method: 'GET', path: '/api/v2/monitor/health', reply: { body: fixture('v2/health') } },
    { method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } },
    { method: 'GET', path: '/api/v2/dags', reply: { body: fixture('v2/dags') } },
    { method: 'GET', path: '/api/v2/dags/chatops_flaky/details', reply: { body: fixture('v2/dag-details') } },
    { method: 'PATCH', path: '/api/v2/dags/chatops_flaky', reply: { body: fixture('v2/dag-paused') } },
    { method: 'POST', path: '/api/v2/dags/chatops_flaky/dagRuns', reply: { body: fixture('v2/dag-run-queued') } },
    { method: 'GET', path: '/api/v2/dags/~/dagRuns', reply: { body: fixture('v2/dag-runs') } },
    { method: 'GET', path: '/api/v2/dags/chatops_flaky/dagRuns/it_abc', reply: { body: fixture('v2/dag-run-failed') } },
    {
      method: 'GET',
      path: '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances',
      reply: { body: fixture('v2/task-instances') },
    },
    {
      method: 'GET',
      path: '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances/flaky',
      reply: { body: fixture('v2/task-instance') },
    },
    {
      method: 'GET',
      path: '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances/flaky/logs/2',
      reply: (r) => ({ body: fixture(r.query.get('token') === 'tok-1' ? 'v2/log-end' : 'v2/log') }),
    },
    {
      method: 'POST',
      path: '/api/v2/dags/chatops_flaky/clearTaskInstances',
      reply: { body: fixture('v2/clear-dry-run') },
    },
  ]);
  client = createAirflowClient({
    baseUrl: stub.url,
    uiUrl: 'http://airflow.example',
    username: 'admin',
    password: PASSWORD,
    apiVersion: 'auto',
    timeoutMs: 2_000,
  });
});

afterAll(async () => {
  await stub.close();
});

describe('AirflowClient on Airflow 3 (/api/v2)', () => {
  it('detects v2 by probing /api/v2/version without credentials, and only once', async () => {
    expect(await client.apiVersion()).toBe('v2');
    expect(await client.apiVersion()).toBe('v2');
    const probes = stub.sent('GET', '/api/v2/version');
    expect(probes).toHaveLength(1);
    expect(probes[0]?.headers.authorization).toBeUndefined();
  });

  it('reports each component with its heartbeat, and the version', async () => {
    const h = await client.health();
    expect(h.version).toBe('3.1.3');
    expect(h.apiVersion).toBe('v2');
    expect(h.components.map((c) => [c.name, c.status])).toEqual([
      ['metadatabase', 'healthy'],
      ['scheduler', 'healthy'],
      ['triggerer', 'unknown'],
      ['dag_processor', 'healthy'],
    ]);
    expect(h.components[1]?.latestHeartbeat?.toISOString()).toBe('2026-11-26T04:40:01.500Z');
    expect(stub.sent('GET', '/api/v2/monitor/health')[0]?.headers.authorization).toBeUndefined();
  });

  it('logs in with JSON at /auth/token and sends the JWT as a Bearer header', async () => {
    const page = await client.listDags({ pattern: 'chatops', tags: ['chatops', 'ml'], paused: false, limit: 500 });
    const login = stub.sent('POST', '/auth/token');
    expect(login).toHaveLength(1);
    expect(login[0]?.headers['content-type']).toMatch(/application\/json/);
    expect(login[0]?.body).toEqual({ username: 'admin', password: PASSWORD });
    const req = stub.sent('GET', '/api/v2/dags')[0];
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.query.get('dag_id_pattern')).toBe('chatops');
    expect(req?.query.getAll('tags')).toEqual(['chatops', 'ml']);
    expect(req?.query.get('paused')).toBe('false');
    expect(req?.query.get('limit')).toBe('100');
    expect(req?.query.get('exclude_stale')).toBe('true');
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({
      dagId: 'chatops_flaky',
      displayName: 'chatops_flaky',
      isPaused: false,
      isStale: false,
      tags: ['chatops'],
      owners: ['chatops'],
      hasImportErrors: false,
      url: 'http://airflow.example/dags/chatops_flaky',
    });
  });

  it('reuses the token for later calls', async () => {
    await client.listDags();
    expect(stub.sent('POST', '/auth/token')).toHaveLength(1);
  });

  it('turns the params dict of /details into typed DagParams', async () => {
    const dag = await client.getDag('chatops_flaky');
    expect(dag.description).toBe('Fails on purpose');
    expect(dag.params).toEqual([
      { name: 'fail', type: 'boolean', default: false, description: 'Fail every try regardless of the Variable' },
      { name: 'n', type: 'integer', default: 50, minimum: 10, maximum: 500 },
      { name: 'mode', type: 'string', default: 'fast', enum: ['fast', 'slow'] },
    ]);
  });

  it('pauses with PATCH ?update_mask=is_paused and only that key', async () => {
    const dag = await client.setPaused('chatops_flaky', true);
    const req = stub.sent('PATCH', '/api/v2/dags/chatops_flaky')[0];
    expect(req?.query.get('update_mask')).toBe('is_paused');
    expect(req?.body).toEqual({ is_paused: true });
    expect(dag.isPaused).toBe(true);
  });

  it('triggers with logical_date null, conf, run id and note', async () => {
    const run = await client.triggerDagRun('chatops_flaky', {
      conf: { fail: true },
      runId: 'it_abc',
      note: 'by @alice',
    });
    const req = stub.sent('POST', '/api/v2/dags/chatops_flaky/dagRuns')[0];
    expect(req?.body).toStrictEqual({
      logical_date: null,
      conf: { fail: true },
      dag_run_id: 'it_abc',
      note: 'by @alice',
    });
    expect(run).toMatchObject({
      dagId: 'chatops_flaky',
      runId: 'it_abc',
      state: 'queued',
      runType: 'manual',
      conf: { fail: true },
      note: 'by @alice',
      url: 'http://airflow.example/dags/chatops_flaky/runs/it_abc',
    });
    expect(run.logicalDate).toBeUndefined();
    expect(run.queuedAt).toBeInstanceOf(Date);
  });

  it('sends an empty conf and no run id when none is given', async () => {
    await client.triggerDagRun('chatops_flaky');
    const reqs = stub.sent('POST', '/api/v2/dags/chatops_flaky/dagRuns');
    expect(reqs.at(-1)?.body).toStrictEqual({ logical_date: null, conf: {} });
  });

  it('lists runs of every DAG with repeated states and updated_at_gte in Z form', async () => {
    const page = await client.listDagRuns({
      dagId: '~',
      states: ['failed', 'success'],
      updatedSince: new Date('2026-11-26T04:00:00+02:00'),
      limit: 20,
    });
    const req = stub.sent('GET', '/api/v2/dags/~/dagRuns')[0];
    expect(req?.query.getAll('state')).toEqual(['failed', 'success']);
    expect(req?.query.get('updated_at_gte')).toBe('2026-11-26T02:00:00.000Z');
    expect(req?.query.get('order_by')).toBe('-run_after');
    expect(req?.query.get('limit')).toBe('20');
    expect(page.total).toBe(7);
    expect(page.items.map((r) => [r.dagId, r.state])).toEqual([
      ['chatops_flaky', 'failed'],
      ['chatops_smoke', 'success'],
    ]);
    expect(page.items[1]?.url).toBe(
      'http://airflow.example/dags/chatops_smoke/runs/manual__2026-11-26T04%3A30%3A00%2B00%3A00',
    );
  });

  it('reads one run with its dates', async () => {
    const run = await client.getDagRun('chatops_flaky', 'it_abc');
    expect(run.state).toBe('failed');
    expect(run.endDate?.toISOString()).toBe('2026-11-26T04:41:09.000Z');
  });

  it('lists task instances with states, tries and deep links', async () => {
    const tis = await client.listTaskInstances('chatops_flaky', 'it_abc');
    expect(tis.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['prepare', 'success', 1],
      ['flaky', 'failed', 1],
    ]);
    expect(tis[1]).toMatchObject({
      mapIndex: -1,
      maxTries: 0,
      durationSec: 3.5,
      operator: '_PythonDecoratedOperator',
      url: 'http://airflow.example/dags/chatops_flaky/runs/it_abc/tasks/flaky',
      logUrl: 'http://airflow.example/dags/chatops_flaky/runs/it_abc/tasks/flaky?try_number=1',
    });
  });

  it('tails the log of the latest try as JSON, following the continuation token and skipping group markers', async () => {
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: 'it_abc', taskId: 'flaky', lines: 5 });
    const reqs = stub.sent('GET', '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances/flaky/logs/2');
    expect(reqs).toHaveLength(2);
    expect(reqs[0]?.headers.accept).toBe('application/json');
    expect(reqs[0]?.query.get('map_index')).toBe('-1');
    expect(reqs[1]?.query.get('token')).toBe('tok-1');
    expect(log.tryNumber).toBe(2);
    expect(log.lines).toEqual([
      'plain line two',
      'ERROR - Task failed with exception',
      '  File "/work/main/dags/chatops_flaky.py", line 60, in flaky',
      "RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')",
      'INFO - Marking task as FAILED.',
    ]);
    expect(log.truncated).toBe(2);
    expect(log.url).toBe('http://airflow.example/dags/chatops_flaky/runs/it_abc/tasks/flaky?try_number=2');
    expect(log.lines.join('\n')).not.toContain('::group::');
  });

  it('asks for a given try without looking up the task instance', async () => {
    const before = stub.sent('GET', '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances/flaky').length;
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: 'it_abc', taskId: 'flaky', tryNumber: 2 });
    expect(stub.sent('GET', '/api/v2/dags/chatops_flaky/dagRuns/it_abc/taskInstances/flaky')).toHaveLength(before);
    expect(log.truncated).toBe(0);
    expect(log.lines[0]).toBe('INFO - DAG bundles loaded');
  });

  it('previews a clear with dry_run true and clears for real with dry_run false', async () => {
    const preview = await client.clearFailed({ dagId: 'chatops_flaky', runId: 'it_abc', dryRun: true });
    await client.clearFailed({ dagId: 'chatops_flaky', runId: 'it_abc', dryRun: false, taskIds: ['flaky'] });
    const [dry, real] = stub.sent('POST', '/api/v2/dags/chatops_flaky/clearTaskInstances');
    expect(dry?.body).toStrictEqual({ dry_run: true, only_failed: true, dag_run_id: 'it_abc', reset_dag_runs: true });
    expect(real?.body).toStrictEqual({
      dry_run: false,
      only_failed: true,
      dag_run_id: 'it_abc',
      reset_dag_runs: true,
      task_ids: ['flaky'],
    });
    expect(preview).toEqual({ dryRun: true, tasks: [{ taskId: 'flaky', mapIndex: -1, state: 'failed' }] });
  });

  it('rejects ids outside Airflow’s pattern before sending anything', async () => {
    const count = stub.requests.length;
    await expect(client.getDag('bad dag/../x')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.getDagRun('chatops_flaky', 'run id with spaces')).rejects.toMatchObject({
      code: 'OPTIONS_INVALID',
      userMessage: expect.stringMatching(/not a valid run id/),
    });
    await expect(
      client.taskLog({ dagId: 'chatops_flaky', runId: 'it_abc', taskId: 'flaky', tryNumber: 0 }),
    ).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    expect(stub.requests.length).toBe(count);
  });
});
