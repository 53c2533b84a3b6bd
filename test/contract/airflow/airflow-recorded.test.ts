// Replays answers recorded from a real Airflow 3.2.2 and 2.10.5 (test/fixtures/http/airflow/v*/recorded-*.json).
import { afterEach, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import type { AirflowApiVersion, DagParam } from '../../../src/clients/airflow/types.js';
import { type AirflowStub, fixture, type StubRoute, startAirflowStub } from '../../support/airflow-stub-server.js';
import { failure } from '../../support/failure.js';

interface Recorded {
  name: string;
  version: AirflowApiVersion;
  password: string;
  /** The recorded run of chatops_flaky, which failed on try 1 and passed on try 2. */
  run: string;
  login: StubRoute[];
  /** How errors come: Airflow 2 sends RFC 7807 problem documents. */
  errorType?: string;
  /** Airflow 3's recordings hold no /version answer, so that client is told its version. */
  apiVersion: 'auto' | AirflowApiVersion;
  detect: StubRoute[];
  dag: { id: string; paramCount: number; param: DagParam };
  recordedRun: { runType: string; logicalDate?: string };
  log: { keep: number; truncated: number };
  unauthorized: StubRoute;
  rejected: { status: number; message: RegExp; hidden?: string };
}

const RECORDED: Recorded[] = [
  {
    name: 'Airflow 3.2.2',
    version: 'v2',
    password: 'recorded-pa55',
    run: 'it_52qiit_flaky',
    login: [{ method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } }],
    apiVersion: 'v2',
    detect: [],
    dag: {
      id: 'ml_pipeline_end_to_end',
      paramCount: 4,
      param: {
        name: 'max_depth',
        type: 'integer',
        default: null,
        description: 'Tree depth; null = unlimited',
        minimum: 1,
      },
    },
    recordedRun: { runType: 'manual' },
    log: { keep: 30, truncated: 0 },
    unauthorized: {
      method: 'POST',
      path: '/auth/token',
      reply: { status: 401, body: fixture('v2/recorded-401-token') },
    },
    rejected: { status: 422, message: /field 'body\.logical_date': Field required/, hidden: 'x_no_logical_date' },
  },
  {
    name: 'Airflow 2.10.5',
    version: 'v1',
    password: 'recorded-v1-pa55',
    run: 'it_loqbnp_v1flaky',
    login: [],
    errorType: 'application/problem+json',
    apiVersion: 'auto',
    detect: [{ method: 'GET', path: '/api/v1/version', reply: { body: fixture('v1/recorded-version') } }],
    dag: {
      id: 'chatops_flaky',
      paramCount: 1,
      param: {
        name: 'fail',
        type: 'boolean',
        default: false,
        description: 'Fail every try regardless of the Variable',
      },
    },
    recordedRun: { runType: 'manual', logicalDate: '2026-11-26T05:04:44.604Z' },
    log: { keep: 500, truncated: 0 },
    unauthorized: {
      method: 'GET',
      path: '/api/v1/dags',
      reply: { status: 401, body: fixture('v1/recorded-401'), contentType: 'application/problem+json' },
    },
    rejected: { status: 400, message: /HTTP 400\): 'None' is not an instance of 'str'/ },
  },
];

const stubs: AirflowStub[] = [];

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

describe.each(RECORDED)('AirflowClient on answers recorded from $name', (d) => {
  const api = `/api/${d.version}`;
  const runPath = `${api}/dags/chatops_flaky/dagRuns/${d.run}`;
  const ok = (name: string) => ({ status: 200, body: fixture(`${d.version}/${name}`) });
  const err = (name: string, status: number) => ({
    status,
    body: fixture(`${d.version}/${name}`),
    ...(d.errorType ? { contentType: d.errorType } : {}),
  });

  async function recorded(routes: StubRoute[]) {
    const stub = await startAirflowStub([...d.login, ...d.detect, ...routes]);
    stubs.push(stub);
    const client = createAirflowClient({
      baseUrl: stub.url,
      username: 'admin',
      password: d.password,
      apiVersion: d.apiVersion,
    });
    return { stub, client };
  }

  it('parses DAGs, params, a run and its task instances', async () => {
    const { client } = await recorded([
      { method: 'GET', path: `${api}/dags`, reply: ok('recorded-dags') },
      { method: 'GET', path: `${api}/dags/${d.dag.id}/details`, reply: ok('recorded-dag-details') },
      { method: 'GET', path: runPath, reply: ok('recorded-dag-run') },
      { method: 'GET', path: `${runPath}/taskInstances`, reply: ok('recorded-task-instances') },
    ]);
    expect(await client.apiVersion()).toBe(d.version);
    const dags = await client.listDags({ pattern: 'chatops_' });
    expect(dags.items.map((g) => [g.dagId, g.isStale])).toEqual([
      ['chatops_flaky', false],
      ['chatops_smoke', false],
    ]);
    const dag = await client.getDag(d.dag.id);
    expect(dag.params).toHaveLength(d.dag.paramCount);
    expect(dag.params.find((p) => p.name === d.dag.param.name)).toEqual(d.dag.param);
    const run = await client.getDagRun('chatops_flaky', d.run);
    expect(run).toMatchObject({ runId: d.run, state: 'success', runType: d.recordedRun.runType });
    expect(run.logicalDate?.toISOString()).toBe(d.recordedRun.logicalDate);
    const tis = await client.listTaskInstances('chatops_flaky', d.run);
    expect(tis.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['prepare', 'success', 1],
      ['flaky', 'success', 2],
    ]);
  });

  it('tails the failed try’s log: the raised error stays, every group marker goes', async () => {
    const { client } = await recorded([
      {
        method: 'GET',
        path: `${runPath}/taskInstances/flaky/logs/1`,
        reply: { ...ok('recorded-log-failed'), ...(d.version === 'v1' ? { contentType: 'text/plain' } : {}) },
      },
    ]);
    const log = await client.taskLog({
      dagId: 'chatops_flaky',
      runId: d.run,
      taskId: 'flaky',
      tryNumber: 1,
      lines: d.log.keep,
    });
    const text = log.lines.join('\n');
    expect(text).toContain("RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')");
    expect(text).toContain('ERROR - Task failed with exception');
    expect(text).not.toMatch(/::(end)?group::/);
    expect(log.truncated).toBe(d.log.truncated);
  });

  it('names what is missing from the recorded 404s, and the run id from the 409', async () => {
    const { client } = await recorded([
      { method: 'GET', path: `${api}/dags/nope_x/details`, reply: err('recorded-404-dag', 404) },
      {
        method: 'GET',
        path: `${api}/dags/chatops_smoke/dagRuns/it_missing_run`,
        reply: err('recorded-404-run', 404),
      },
      { method: 'POST', path: `${api}/dags/chatops_flaky/dagRuns`, reply: err('recorded-409-run', 409) },
    ]);
    expect(await failure(client.getDag('nope_x'), d.password)).toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/no DAG named 'nope_x'/),
    });
    expect(await failure(client.getDagRun('chatops_smoke', 'it_missing_run'), d.password)).toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/no run 'it_missing_run' of DAG 'chatops_smoke'/),
    });
    expect(await failure(client.triggerDagRun('chatops_flaky', { runId: d.run }), d.password)).toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining(`'${d.run}'`),
    });
  });

  it('passes on the reason a recorded bad trigger was rejected for, without echoing its input', async () => {
    const { client } = await recorded([
      {
        method: 'POST',
        path: `${api}/dags/chatops_flaky/dagRuns`,
        reply: err(`recorded-${d.rejected.status}-trigger`, d.rejected.status),
      },
    ]);
    const e = await failure(client.triggerDagRun('chatops_flaky', { runId: 'other' }), d.password);
    expect(e).toMatchObject({ code: 'UPSTREAM_REJECTED', status: d.rejected.status });
    expect(e.userMessage).toMatch(d.rejected.message);
    if (d.rejected.hidden) expect(e.userMessage).not.toContain(d.rejected.hidden);
  });

  it('maps the recorded 401 to a credentials hint', async () => {
    const stub = await startAirflowStub([...d.detect, d.unauthorized]);
    stubs.push(stub);
    const c = createAirflowClient({
      baseUrl: stub.url,
      username: 'admin',
      password: d.password,
      apiVersion: d.version,
    });
    const e = await failure(c.listDags(), d.password);
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/check AIRFLOW_USERNAME and AIRFLOW_PASSWORD/);
  });
});

describe('AirflowClient on answers recorded from Airflow 2.10.5 only', () => {
  it('matches cleared references to the run’s task instances', async () => {
    const run = 'it_loqbnp_v1flaky';
    const stub = await startAirflowStub([
      {
        method: 'POST',
        path: '/api/v1/dags/chatops_flaky/clearTaskInstances',
        reply: { body: fixture('v1/recorded-clear-dry-run') },
      },
      {
        method: 'GET',
        path: `/api/v1/dags/chatops_flaky/dagRuns/${run}/taskInstances`,
        reply: { body: fixture('v1/recorded-task-instances') },
      },
    ]);
    stubs.push(stub);
    const client = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: 'pw', apiVersion: 'v1' });
    const r = await client.clearFailed({ dagId: 'chatops_flaky', runId: run, dryRun: true });
    expect(r.tasks.map((t) => t.taskId)).toEqual(['prepare', 'flaky']);
    expect(r.tasks.every((t) => t.mapIndex === -1)).toBe(true);
  });
});

describe('AirflowClient on answers recorded from Airflow 3.2.2 only', () => {
  const PASSWORD = 'recorded-pa55';

  async function v2With(routes: StubRoute[]) {
    const stub = await startAirflowStub([
      { method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } },
      ...routes,
    ]);
    stubs.push(stub);
    const client = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
    return { stub, client };
  }

  it('renews the token on the 403 "Invalid JWT token" that Airflow 3.2 sends for a bad token', async () => {
    let calls = 0;
    const { stub, client } = await v2With([
      {
        method: 'GET',
        path: '/api/v2/dags',
        reply: () =>
          ++calls === 1
            ? { status: 403, body: fixture('v2/recorded-403-bad-token') }
            : { status: 200, body: fixture('v2/recorded-dags') },
      },
    ]);
    await client.listDags();
    expect(stub.sent('POST', '/auth/token')).toHaveLength(2);
    expect(stub.sent('GET', '/api/v2/dags')).toHaveLength(2);
  });

  it('does not renew on a 403 about permissions', async () => {
    const { stub, client } = await v2With([
      { method: 'GET', path: '/api/v2/dags', reply: { status: 403, body: { detail: 'Forbidden' } } },
    ]);
    const e = await failure(client.listDags(), PASSWORD);
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/lacks a role/);
    expect(stub.sent('POST', '/auth/token')).toHaveLength(1);
  });
});
