// Every AirflowClient call against both REST APIs: Airflow 3 (/api/v2) and Airflow 2 (/api/v1), one row each.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import type { AirflowApiVersion, AirflowClient, DagParam } from '../../../src/clients/airflow/types.js';
import { type AirflowStub, fixture, type StubRoute, startAirflowStub } from '../../support/airflow-stub-server.js';
import { failure } from '../../support/failure.js';

const UI = 'http://airflow.example';
const TOKEN = 'eyJhbGciOiJIUzUxMiJ9.stub.sig';

interface Dialect {
  name: string;
  version: AirflowApiVersion;
  api: string;
  password: string;
  /** The run id every run-level route answers for. */
  run: string;
  /** Routes the server has before the API: Airflow 3's login. */
  login: StubRoute[];
  routes: StubRoute[];
  /** The Authorization header of an API call, and how many logins the first calls cost. */
  authorization: string;
  logins: number;
  probes: string[];
  health: { path: string; version: string; components: string[] };
  dags: { staleFlag: string; rows: unknown[][]; url: string };
  params: DagParam[];
  trigger: { sent: object; bare: object; run: object; logicalDate?: string };
  runs: { orderBy: string; total: number; rows: string[][]; urls: string[] };
  oneRun: { state: string; logicalDate?: string; endDate?: string };
  tasks: { detail: object };
  log: {
    tryNumber: number;
    keep: number;
    accept: string;
    queries: object[];
    lines: string[];
    truncated: number;
    url: string;
  };
  givenTry: { tryNumber: number; first: string };
}

const v2Run = '/api/v2/dags/chatops_flaky/dagRuns/it_abc';
const v1Run = '/api/v1/dags/chatops_flaky/dagRuns/it_v1';
const v1Log = readFileSync(new URL('../../fixtures/http/airflow/v1/log.txt', import.meta.url), 'utf8');
const V1_PASSWORD = 'v1-pa55word';

const DIALECTS: Dialect[] = [
  {
    name: 'Airflow 3 (/api/v2)',
    version: 'v2',
    api: '/api/v2',
    password: 's3cret-pw',
    run: 'it_abc',
    login: [{ method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } }],
    routes: [
      { method: 'GET', path: '/api/v2/version', reply: { body: fixture('v2/version') } },
      { method: 'GET', path: '/api/v2/monitor/health', reply: { body: fixture('v2/health') } },
      { method: 'GET', path: '/api/v2/dags', reply: { body: fixture('v2/dags') } },
      { method: 'GET', path: '/api/v2/dags/chatops_flaky/details', reply: { body: fixture('v2/dag-details') } },
      { method: 'GET', path: '/api/v2/dags/nope/details', reply: { status: 404, body: fixture('v2/error-404-dag') } },
      { method: 'PATCH', path: '/api/v2/dags/chatops_flaky', reply: { body: fixture('v2/dag-paused') } },
      {
        method: 'POST',
        path: '/api/v2/dags/chatops_flaky/dagRuns',
        reply: (r) =>
          (r.body as { dag_run_id?: string }).dag_run_id === 'it_dup'
            ? { status: 409, body: fixture('v2/error-409-run') }
            : { body: fixture('v2/dag-run-queued') },
      },
      { method: 'GET', path: '/api/v2/dags/~/dagRuns', reply: { body: fixture('v2/dag-runs') } },
      { method: 'GET', path: v2Run, reply: { body: fixture('v2/dag-run-failed') } },
      { method: 'GET', path: `${v2Run}/taskInstances`, reply: { body: fixture('v2/task-instances') } },
      { method: 'GET', path: `${v2Run}/taskInstances/flaky`, reply: { body: fixture('v2/task-instance') } },
      {
        method: 'GET',
        path: `${v2Run}/taskInstances/flaky/logs/2`,
        reply: (r) => ({ body: fixture(r.query.get('token') === 'tok-1' ? 'v2/log-end' : 'v2/log') }),
      },
      {
        method: 'POST',
        path: '/api/v2/dags/chatops_flaky/clearTaskInstances',
        reply: { body: fixture('v2/clear-dry-run') },
      },
    ],
    authorization: `Bearer ${TOKEN}`,
    logins: 1,
    probes: ['/api/v2/version'],
    health: {
      path: '/api/v2/monitor/health',
      version: '3.1.3',
      components: ['metadatabase:healthy', 'scheduler:healthy', 'triggerer:unknown', 'dag_processor:healthy'],
    },
    dags: {
      staleFlag: 'exclude_stale',
      rows: [
        ['chatops_flaky', false, undefined],
        ['chatops_smoke', false, undefined],
      ],
      url: `${UI}/dags/chatops_flaky`,
    },
    params: [
      { name: 'fail', type: 'boolean', default: false, description: 'Fail every try regardless of the Variable' },
      { name: 'n', type: 'integer', default: 50, minimum: 10, maximum: 500 },
      { name: 'mode', type: 'string', default: 'fast', enum: ['fast', 'slow'] },
    ],
    trigger: {
      sent: { logical_date: null, conf: { fail: true }, dag_run_id: 'it_abc', note: 'by @alice' },
      bare: { logical_date: null, conf: {} },
      run: {
        dagId: 'chatops_flaky',
        runId: 'it_abc',
        state: 'queued',
        runType: 'manual',
        conf: { fail: true },
        note: 'by @alice',
        queuedAt: expect.any(Date),
        url: `${UI}/dags/chatops_flaky/runs/it_abc`,
      },
    },
    runs: {
      orderBy: '-run_after',
      total: 7,
      rows: [
        ['chatops_flaky', 'failed'],
        ['chatops_smoke', 'success'],
      ],
      urls: [
        `${UI}/dags/chatops_flaky/runs/it_abc`,
        `${UI}/dags/chatops_smoke/runs/manual__2026-11-26T04%3A30%3A00%2B00%3A00`,
      ],
    },
    oneRun: { state: 'failed', endDate: '2026-11-26T04:41:09.000Z' },
    tasks: {
      detail: {
        mapIndex: -1,
        maxTries: 0,
        durationSec: 3.5,
        operator: '_PythonDecoratedOperator',
        url: `${UI}/dags/chatops_flaky/runs/it_abc/tasks/flaky`,
        logUrl: `${UI}/dags/chatops_flaky/runs/it_abc/tasks/flaky?try_number=1`,
      },
    },
    log: {
      tryNumber: 2,
      keep: 5,
      accept: 'application/json',
      queries: [{ map_index: '-1' }, { map_index: '-1', token: 'tok-1' }],
      lines: [
        'plain line two',
        'ERROR - Task failed with exception',
        '  File "/work/main/dags/chatops_flaky.py", line 60, in flaky',
        "RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')",
        'INFO - Marking task as FAILED.',
      ],
      truncated: 2,
      url: `${UI}/dags/chatops_flaky/runs/it_abc/tasks/flaky?try_number=2`,
    },
    givenTry: { tryNumber: 2, first: 'INFO - DAG bundles loaded' },
  },
  {
    name: 'Airflow 2 (/api/v1)',
    version: 'v1',
    api: '/api/v1',
    password: V1_PASSWORD,
    run: 'it_v1',
    login: [],
    // Airflow 2 has no /api/v2: its Flask app answers 404, as the stub does for any route it lacks.
    routes: [
      { method: 'GET', path: '/api/v1/version', reply: { body: fixture('v1/version') } },
      { method: 'GET', path: '/api/v1/health', reply: { body: fixture('v1/health') } },
      { method: 'GET', path: '/api/v1/dags', reply: { body: fixture('v1/dags') } },
      { method: 'GET', path: '/api/v1/dags/chatops_flaky/details', reply: { body: fixture('v1/dag-details') } },
      { method: 'GET', path: '/api/v1/dags/nope/details', reply: { status: 404, body: fixture('v1/error-404-dag') } },
      { method: 'PATCH', path: '/api/v1/dags/chatops_flaky', reply: { body: fixture('v1/dag-paused') } },
      {
        method: 'POST',
        path: '/api/v1/dags/chatops_flaky/dagRuns',
        reply: (r) =>
          (r.body as { dag_run_id?: string }).dag_run_id === 'it_dup'
            ? { status: 409, body: fixture('v1/error-409-run'), contentType: 'application/problem+json' }
            : { body: fixture('v1/dag-run') },
      },
      { method: 'GET', path: '/api/v1/dags/~/dagRuns', reply: { body: fixture('v1/dag-runs') } },
      { method: 'GET', path: v1Run, reply: { body: fixture('v1/dag-run') } },
      { method: 'GET', path: `${v1Run}/taskInstances`, reply: { body: fixture('v1/task-instances') } },
      { method: 'GET', path: `${v1Run}/taskInstances/flaky`, reply: { body: fixture('v1/task-instance') } },
      {
        method: 'GET',
        path: `${v1Run}/taskInstances/flaky/logs/1`,
        reply: { body: v1Log, contentType: 'text/plain; charset=utf-8' },
      },
      { method: 'POST', path: '/api/v1/dags/chatops_flaky/clearTaskInstances', reply: { body: fixture('v1/clear') } },
    ],
    authorization: `Basic ${Buffer.from(`admin:${V1_PASSWORD}`).toString('base64')}`,
    logins: 0,
    probes: ['/api/v2/version', '/api/v1/version'],
    health: {
      path: '/api/v1/health',
      version: '2.10.5',
      components: ['metadatabase:healthy', 'scheduler:healthy', 'triggerer:healthy', 'dag_processor:unknown'],
    },
    dags: {
      staleFlag: 'only_active',
      rows: [
        ['chatops_flaky', false, '0 3 * * *'],
        ['chatops_smoke', true, 'Never, external triggers only'],
      ],
      url: `${UI}/dags/chatops_flaky/grid`,
    },
    params: [
      { name: 'fail', type: 'boolean', default: false, description: 'Fail every try regardless of the Variable' },
    ],
    trigger: {
      // Airflow 2 rejects a null logical_date and defaults a missing one to now.
      sent: { conf: { fail: true }, dag_run_id: 'it_v1', note: 'by @alice' },
      bare: { conf: {} },
      run: {
        dagId: 'chatops_flaky',
        runId: 'it_v1',
        state: 'queued',
        runType: 'manual',
        url: `${UI}/dags/chatops_flaky/grid?dag_run_id=it_v1`,
      },
      // From execution_date's twin, logical_date.
      logicalDate: '2026-11-26T04:41:00.000Z',
    },
    runs: {
      orderBy: '-execution_date',
      total: 1,
      rows: [['chatops_flaky', 'failed']],
      urls: [`${UI}/dags/chatops_flaky/grid?dag_run_id=it_v1`],
    },
    oneRun: { state: 'queued', logicalDate: '2026-11-26T04:41:00.000Z' },
    tasks: {
      detail: {
        mapIndex: -1,
        maxTries: 0,
        durationSec: 3,
        operator: '_PythonDecoratedOperator',
        url: `${UI}/dags/chatops_flaky/grid?dag_run_id=it_v1&task_id=flaky`,
        logUrl: `${UI}/dags/chatops_flaky/grid?dag_run_id=it_v1&task_id=flaky&tab=logs&try_number=1`,
      },
    },
    log: {
      tryNumber: 1,
      keep: 3,
      accept: 'text/plain',
      queries: [{ full_content: 'true' }],
      lines: [
        'Traceback (most recent call last):',
        "RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')",
        '[2026-11-26T04:41:08.100+0000] {taskinstance.py:1225} INFO - Marking task as FAILED.',
      ],
      truncated: 5,
      url: `${UI}/dags/chatops_flaky/grid?dag_run_id=it_v1&task_id=flaky&tab=logs&try_number=1`,
    },
    givenTry: { tryNumber: 1, first: 'box' },
  },
];

describe.each(DIALECTS)('AirflowClient on $name', (d) => {
  let stub: AirflowStub;
  let client: AirflowClient;
  const runPath = `${d.api}/dags/chatops_flaky/dagRuns/${d.run}`;

  beforeAll(async () => {
    stub = await startAirflowStub([...d.login, ...d.routes]);
    client = createAirflowClient({
      baseUrl: stub.url,
      uiUrl: UI,
      username: 'admin',
      password: d.password,
      apiVersion: 'auto',
      timeoutMs: 2_000,
    });
  });

  afterAll(async () => {
    await stub.close();
  });

  it('detects the API version by probing without credentials, and only once', async () => {
    expect(await client.apiVersion()).toBe(d.version);
    expect(await client.apiVersion()).toBe(d.version);
    for (const path of d.probes) {
      const probes = stub.sent('GET', path);
      expect(probes).toHaveLength(1);
      expect(probes[0]?.headers.authorization).toBeUndefined();
    }
  });

  it('reads health and version without credentials, each component with its heartbeat', async () => {
    const h = await client.health();
    expect(h).toMatchObject({ version: d.health.version, apiVersion: d.version });
    expect(h.components.map((c) => `${c.name}:${c.status}`)).toEqual(d.health.components);
    expect(h.components[1]?.latestHeartbeat?.toISOString()).toBe('2026-11-26T04:40:01.500Z');
    expect(stub.sent('GET', d.health.path)[0]?.headers.authorization).toBeUndefined();
  });

  it('lists DAGs with its credentials, repeated tags, a page of at most 100 and its stale filter', async () => {
    const page = await client.listDags({ pattern: 'chatops', tags: ['chatops', 'ml'], paused: false, limit: 500 });
    expect(stub.sent('POST', '/auth/token')).toHaveLength(d.logins);
    const req = stub.sent('GET', `${d.api}/dags`)[0];
    expect(req?.headers.authorization).toBe(d.authorization);
    expect(req?.query.get('dag_id_pattern')).toBe('chatops');
    expect(req?.query.getAll('tags')).toEqual(['chatops', 'ml']);
    expect(req?.query.get('paused')).toBe('false');
    expect(req?.query.get('limit')).toBe('100');
    expect(req?.query.get(d.dags.staleFlag)).toBe('true');
    expect(page.total).toBe(2);
    expect(page.items.map((g) => [g.dagId, g.isStale, g.schedule])).toEqual(d.dags.rows);
    expect(page.items[0]).toMatchObject({
      dagId: 'chatops_flaky',
      displayName: 'chatops_flaky',
      isPaused: false,
      tags: ['chatops'],
      owners: ['chatops'],
      hasImportErrors: false,
      url: d.dags.url,
    });
  });

  it('turns the params dict of /details into typed DagParams', async () => {
    const dag = await client.getDag('chatops_flaky');
    expect(dag.description).toBe('Fails on purpose');
    expect(dag.params).toEqual(d.params);
  });

  it('names a missing DAG from the 404 body', async () => {
    const e = await failure(client.getDag('nope'), d.password);
    expect(e).toMatchObject({ code: 'NOT_FOUND', userMessage: expect.stringMatching(/no DAG named 'nope'/) });
  });

  it('pauses with PATCH ?update_mask=is_paused and only that key', async () => {
    const dag = await client.setPaused('chatops_flaky', true);
    const req = stub.sent('PATCH', `${d.api}/dags/chatops_flaky`)[0];
    expect(req?.query.get('update_mask')).toBe('is_paused');
    expect(req?.body).toEqual({ is_paused: true });
    expect(dag.isPaused).toBe(true);
  });

  it('triggers with conf, run id and note, and logical_date as the API wants it', async () => {
    const run = await client.triggerDagRun('chatops_flaky', { conf: { fail: true }, runId: d.run, note: 'by @alice' });
    expect(stub.sent('POST', `${d.api}/dags/chatops_flaky/dagRuns`)[0]?.body).toStrictEqual(d.trigger.sent);
    expect(run).toMatchObject(d.trigger.run);
    expect(run.logicalDate?.toISOString()).toBe(d.trigger.logicalDate);
  });

  it('sends an empty conf and no run id when none is given', async () => {
    await client.triggerDagRun('chatops_flaky');
    expect(stub.sent('POST', `${d.api}/dags/chatops_flaky/dagRuns`).at(-1)?.body).toStrictEqual(d.trigger.bare);
  });

  it('answers a duplicate run id with CONFLICT naming it', async () => {
    const e = await failure(client.triggerDagRun('chatops_flaky', { runId: 'it_dup' }), d.password);
    expect(e).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(e.userMessage).toMatch(/already has a run with id 'it_dup'/);
  });

  it('lists runs of every DAG with repeated states, updated_at_gte in Z form, and its own newest-first order', async () => {
    const page = await client.listDagRuns({
      dagId: '~',
      states: ['failed', 'success'],
      updatedSince: new Date('2026-11-26T04:00:00+02:00'),
      limit: 20,
    });
    const req = stub.sent('GET', `${d.api}/dags/~/dagRuns`)[0];
    expect(req?.query.getAll('state')).toEqual(['failed', 'success']);
    expect(req?.query.get('updated_at_gte')).toBe('2026-11-26T02:00:00.000Z');
    expect(req?.query.has('updated_at_lte')).toBe(false);
    expect(req?.query.get('order_by')).toBe(d.runs.orderBy);
    expect(req?.query.get('limit')).toBe('20');
    expect(page.total).toBe(d.runs.total);
    expect(page.items.map((r) => [r.dagId, r.state])).toEqual(d.runs.rows);
    expect(page.items.map((r) => r.url)).toEqual(d.runs.urls);
  });

  it('bounds a window of updates with updated_at_lte in Z form', async () => {
    await client.listDagRuns({
      dagId: '~',
      updatedSince: new Date('2026-11-26T04:00:00+02:00'),
      updatedUntil: new Date('2026-11-26T04:30:00.250+02:00'),
      orderBy: 'updated_at',
    });

    const req = stub.sent('GET', `${d.api}/dags/~/dagRuns`).at(-1);
    expect(req?.query.get('updated_at_gte')).toBe('2026-11-26T02:00:00.000Z');
    expect(req?.query.get('updated_at_lte')).toBe('2026-11-26T02:30:00.250Z');
    expect(req?.query.get('order_by')).toBe('updated_at');
  });

  it('reads one run with its dates', async () => {
    const run = await client.getDagRun('chatops_flaky', d.run);
    expect(run.state).toBe(d.oneRun.state);
    expect(run.logicalDate?.toISOString()).toBe(d.oneRun.logicalDate);
    expect(run.endDate?.toISOString()).toBe(d.oneRun.endDate);
  });

  it('lists task instances with states, tries and deep links', async () => {
    const tis = await client.listTaskInstances('chatops_flaky', d.run);
    expect(tis.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['prepare', 'success', 1],
      ['flaky', 'failed', 1],
    ]);
    expect(tis[1]).toMatchObject(d.tasks.detail);
  });

  it('tails the log of the latest try in the format the API serves, without group markers', async () => {
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: d.run, taskId: 'flaky', lines: d.log.keep });
    const reqs = stub.sent('GET', `${runPath}/taskInstances/flaky/logs/${d.log.tryNumber}`);
    expect(reqs.map((r) => Object.fromEntries(r.query))).toEqual(d.log.queries);
    expect(reqs.map((r) => r.headers.accept)).toEqual(d.log.queries.map(() => d.log.accept));
    expect(log.tryNumber).toBe(d.log.tryNumber);
    expect(log.lines).toEqual(d.log.lines);
    expect(log.truncated).toBe(d.log.truncated);
    expect(log.url).toBe(d.log.url);
    expect(log.lines.join('\n')).not.toMatch(/::(end)?group::/);
  });

  it('asks for a given try without looking up the task instance', async () => {
    const before = stub.sent('GET', `${runPath}/taskInstances/flaky`).length;
    const log = await client.taskLog({
      dagId: 'chatops_flaky',
      runId: d.run,
      taskId: 'flaky',
      tryNumber: d.givenTry.tryNumber,
    });
    expect(stub.sent('GET', `${runPath}/taskInstances/flaky`)).toHaveLength(before);
    expect(log.truncated).toBe(0);
    expect(log.lines[0]).toBe(d.givenTry.first);
  });

  it('previews a clear with dry_run true and clears for real with dry_run false', async () => {
    const preview = await client.clearFailed({ dagId: 'chatops_flaky', runId: d.run, dryRun: true });
    await client.clearFailed({ dagId: 'chatops_flaky', runId: d.run, dryRun: false, taskIds: ['flaky'] });
    const [dry, real] = stub.sent('POST', `${d.api}/dags/chatops_flaky/clearTaskInstances`);
    expect(dry?.body).toStrictEqual({ dry_run: true, only_failed: true, dag_run_id: d.run, reset_dag_runs: true });
    expect(real?.body).toStrictEqual({
      dry_run: false,
      only_failed: true,
      dag_run_id: d.run,
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
      client.taskLog({ dagId: 'chatops_flaky', runId: d.run, taskId: 'flaky', tryNumber: 0 }),
    ).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    expect(stub.requests.length).toBe(count);
  });

  it('rejects ids that are only dots, which would walk up the URL path, before sending anything', async () => {
    const count = stub.requests.length;

    await expect(client.getDag('..')).rejects.toMatchObject({
      code: 'OPTIONS_INVALID',
      userMessage: expect.stringMatching(/dots alone/),
    });
    await expect(client.getDagRun('chatops_flaky', '.')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.taskLog({ dagId: 'chatops_flaky', runId: d.run, taskId: '...' })).rejects.toMatchObject({
      code: 'OPTIONS_INVALID',
    });
    expect(stub.requests.length).toBe(count);
  });

  it('answers a plain-text 401 with a hint to check AIRFLOW_USERNAME, never with the password', async () => {
    const bad = await startAirflowStub([
      ...d.login,
      { method: 'GET', path: `${d.api}/dags`, reply: { status: 401, body: 'Unauthorized', contentType: 'text/plain' } },
    ]);
    try {
      const c = createAirflowClient({
        baseUrl: bad.url,
        username: 'admin',
        password: d.password,
        apiVersion: d.version,
      });
      const e = await failure(c.listDags(), d.password, TOKEN);
      expect(e).toMatchObject({ code: 'UPSTREAM_AUTH', userMessage: expect.stringMatching(/AIRFLOW_USERNAME/) });
    } finally {
      await bad.close();
    }
  });
});

describe('AirflowClient login on Airflow 3', () => {
  it('logs in once with JSON at /auth/token, sends the JWT as a Bearer header and reuses it', async () => {
    const v2 = DIALECTS[0] as Dialect;
    const stub = await startAirflowStub([...v2.login, ...v2.routes]);
    try {
      const c = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: v2.password, apiVersion: 'v2' });
      await c.listDags();
      await c.getDag('chatops_flaky');
      const login = stub.sent('POST', '/auth/token');
      expect(login).toHaveLength(1);
      expect(login[0]?.headers['content-type']).toMatch(/application\/json/);
      expect(login[0]?.body).toEqual({ username: 'admin', password: v2.password });
      expect(stub.sent('GET', '/api/v2/dags/chatops_flaky/details')[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await stub.close();
    }
  });
});
