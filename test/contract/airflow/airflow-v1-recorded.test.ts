// Replays answers recorded from a real Airflow 2.10.5 (test/fixtures/http/airflow/v1/recorded-*.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import type { AirflowClient } from '../../../src/clients/airflow/types.js';
import { type AirflowStub, fixture, startAirflowStub } from '../../support/airflow-stub-server.js';

const PASSWORD = 'recorded-v1-pa55';
const RUN = 'it_loqbnp_v1flaky';
const RUN_PATH = `/api/v1/dags/chatops_flaky/dagRuns/${RUN}`;
let stub: AirflowStub;
let client: AirflowClient;

const ok = (name: string) => ({ status: 200, body: fixture(`v1/${name}`) });
const err = (name: string, status: number) => ({
  status,
  body: fixture(`v1/${name}`),
  contentType: 'application/problem+json',
});

beforeAll(async () => {
  stub = await startAirflowStub([
    { method: 'GET', path: '/api/v1/version', reply: ok('recorded-version') },
    { method: 'GET', path: '/api/v1/dags', reply: ok('recorded-dags') },
    { method: 'GET', path: '/api/v1/dags/chatops_flaky/details', reply: ok('recorded-dag-details') },
    { method: 'GET', path: '/api/v1/dags/nope_x/details', reply: err('recorded-404-dag', 404) },
    { method: 'GET', path: RUN_PATH, reply: ok('recorded-dag-run') },
    { method: 'GET', path: '/api/v1/dags/chatops_smoke/dagRuns/it_missing_run', reply: err('recorded-404-run', 404) },
    { method: 'POST', path: '/api/v1/dags/chatops_flaky/dagRuns', reply: err('recorded-409-run', 409) },
    { method: 'GET', path: `${RUN_PATH}/taskInstances`, reply: ok('recorded-task-instances') },
    {
      method: 'GET',
      path: `${RUN_PATH}/taskInstances/flaky/logs/1`,
      reply: { ...ok('recorded-log-failed'), contentType: 'text/plain' },
    },
    { method: 'POST', path: '/api/v1/dags/chatops_flaky/clearTaskInstances', reply: ok('recorded-clear-dry-run') },
  ]);
  client = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'auto' });
});

afterAll(async () => {
  await stub.close();
});

async function failure(p: Promise<unknown>): Promise<BotError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BotError);
  expect(JSON.stringify(e) + String((e as Error).message)).not.toContain(PASSWORD);
  return e as BotError;
}

describe('AirflowClient on answers recorded from Airflow 2.10.5', () => {
  it('detects v1 and parses DAGs, params, a run and its task instances', async () => {
    expect(await client.apiVersion()).toBe('v1');
    const dags = await client.listDags({ pattern: 'chatops_' });
    expect(dags.items.map((d) => [d.dagId, d.isStale])).toEqual([
      ['chatops_flaky', false],
      ['chatops_smoke', false],
    ]);
    const dag = await client.getDag('chatops_flaky');
    expect(dag.params).toEqual([
      { name: 'fail', type: 'boolean', default: false, description: 'Fail every try regardless of the Variable' },
    ]);
    const run = await client.getDagRun('chatops_flaky', RUN);
    expect(run.state).toBe('success');
    expect(run.logicalDate?.toISOString()).toBe('2026-11-26T05:04:44.604Z');
    const tis = await client.listTaskInstances('chatops_flaky', RUN);
    expect(tis.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['prepare', 'success', 1],
      ['flaky', 'success', 2],
    ]);
  });

  it('tails a plain-text log: the exception stays, every group marker goes', async () => {
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: RUN, taskId: 'flaky', tryNumber: 1, lines: 500 });
    const text = log.lines.join('\n');
    expect(text).toContain('RuntimeError: chatops_flaky: simulated failure');
    expect(text).toContain('ERROR - Task failed with exception');
    expect(text).not.toMatch(/::(end)?group::/);
    expect(log.truncated).toBe(0);
  });

  it('matches cleared references to the run’s task instances', async () => {
    const r = await client.clearFailed({ dagId: 'chatops_flaky', runId: RUN, dryRun: true });
    expect(r.tasks.map((t) => t.taskId)).toEqual(['prepare', 'flaky']);
    expect(r.tasks.every((t) => t.mapIndex === -1)).toBe(true);
  });

  it('maps the recorded RFC 7807 404s and 409', async () => {
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
  });

  it('maps the recorded 401 to a credentials hint', async () => {
    const bad = await startAirflowStub([{ method: 'GET', path: '/api/v1/dags', reply: err('recorded-401', 401) }]);
    try {
      const c = createAirflowClient({ baseUrl: bad.url, username: 'admin', password: PASSWORD, apiVersion: 'v1' });
      const e = await failure(c.listDags());
      expect(e.code).toBe('UPSTREAM_AUTH');
      expect(e.userMessage).toMatch(/check AIRFLOW_USERNAME and AIRFLOW_PASSWORD/);
    } finally {
      await bad.close();
    }
  });
});
