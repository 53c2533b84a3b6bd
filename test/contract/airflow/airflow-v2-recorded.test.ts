// Replays answers recorded from a real Airflow 3.2.2 (test/fixtures/http/airflow/v2/recorded-*.json).
import { afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import { type AirflowStub, fixture, type StubRoute, startAirflowStub } from '../../support/airflow-stub-server.js';

const PASSWORD = 'recorded-pa55';
const RUN = 'it_52qiit_flaky';
const RUN_PATH = `/api/v2/dags/chatops_flaky/dagRuns/${RUN}`;
const stubs: AirflowStub[] = [];

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

function recorded(name: string): { status: number; body: unknown } {
  return { status: 200, body: fixture(`v2/${name}`) };
}

async function v2With(routes: StubRoute[]) {
  const stub = await startAirflowStub([
    { method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } },
    ...routes,
  ]);
  stubs.push(stub);
  const client = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
  return { stub, client };
}

async function failure(p: Promise<unknown>): Promise<BotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotError);
  expect(JSON.stringify(err) + String((err as Error).message)).not.toContain(PASSWORD);
  return err as BotError;
}

describe('AirflowClient on answers recorded from Airflow 3.2.2', () => {
  it('renders the failed task’s structured log: the raised error, no group markers', async () => {
    const { client } = await v2With([
      { method: 'GET', path: `${RUN_PATH}/taskInstances/flaky/logs/1`, reply: recorded('recorded-log-failed') },
    ]);
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: RUN, taskId: 'flaky', tryNumber: 1, lines: 30 });
    const text = log.lines.join('\n');
    expect(text).toContain("RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')");
    expect(text).toContain('ERROR - Task failed with exception');
    expect(text).not.toContain('::group::');
    expect(text).not.toContain('::endgroup::');
  });

  it('parses a recorded run, its task instances and DAG params', async () => {
    const { client } = await v2With([
      { method: 'GET', path: RUN_PATH, reply: recorded('recorded-dag-run') },
      { method: 'GET', path: `${RUN_PATH}/taskInstances`, reply: recorded('recorded-task-instances') },
      { method: 'GET', path: '/api/v2/dags/ml_pipeline_end_to_end/details', reply: recorded('recorded-dag-details') },
      { method: 'GET', path: '/api/v2/dags', reply: recorded('recorded-dags') },
    ]);
    const run = await client.getDagRun('chatops_flaky', RUN);
    expect(run).toMatchObject({ runId: RUN, state: 'success', runType: 'manual', logicalDate: undefined });
    const tis = await client.listTaskInstances('chatops_flaky', RUN);
    expect(tis.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['prepare', 'success', 1],
      ['flaky', 'success', 2],
    ]);
    const dag = await client.getDag('ml_pipeline_end_to_end');
    expect(dag.params.find((p) => p.name === 'max_depth')).toEqual({
      name: 'max_depth',
      type: 'integer',
      default: null,
      description: 'Tree depth; null = unlimited',
      minimum: 1,
    });
    const dags = await client.listDags({ pattern: 'chatops_' });
    expect(dags.items.map((d) => d.dagId)).toEqual(['chatops_flaky', 'chatops_smoke']);
  });

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
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/lacks a role/);
    expect(stub.sent('POST', '/auth/token')).toHaveLength(1);
  });

  it('maps the recorded 401 from /auth/token to a credentials hint', async () => {
    const stub = await startAirflowStub([
      { method: 'POST', path: '/auth/token', reply: { status: 401, body: fixture('v2/recorded-401-token') } },
    ]);
    stubs.push(stub);
    const c = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
    const e = await failure(c.getDag('chatops_flaky'));
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/check AIRFLOW_USERNAME and AIRFLOW_PASSWORD/);
  });

  it('maps the recorded 404s, 409 and 422', async () => {
    const { client } = await v2With([
      { method: 'GET', path: '/api/v2/dags/nope_x/details', reply: { ...recorded('recorded-404-dag'), status: 404 } },
      {
        method: 'GET',
        path: '/api/v2/dags/chatops_smoke/dagRuns/it_missing_run',
        reply: { ...recorded('recorded-404-run'), status: 404 },
      },
      {
        method: 'POST',
        path: '/api/v2/dags/chatops_flaky/dagRuns',
        reply: (r) =>
          (r.body as { dag_run_id?: string }).dag_run_id === RUN
            ? { ...recorded('recorded-409-run'), status: 409 }
            : { ...recorded('recorded-422-trigger'), status: 422 },
      },
    ]);
    expect(await failure(client.getDag('nope_x'))).toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/no DAG named 'nope_x'/),
    });
    expect(await failure(client.getDagRun('chatops_smoke', 'it_missing_run'))).toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/no run 'it_missing_run' of DAG 'chatops_smoke'/),
    });
    expect(await failure(client.triggerDagRun('chatops_flaky', { runId: RUN }))).toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining(`'${RUN}'`),
    });
    const invalid = await failure(client.triggerDagRun('chatops_flaky', { runId: 'other' }));
    expect(invalid).toMatchObject({ code: 'UPSTREAM_REJECTED', status: 422 });
    expect(invalid.userMessage).toMatch(/field 'body\.logical_date': Field required/);
    expect(invalid.userMessage).not.toContain('x_no_logical_date');
  });
});
