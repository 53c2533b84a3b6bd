import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import type { AirflowClient } from '../../../src/clients/airflow/types.js';
import { type AirflowStub, fixture, startAirflowStub } from '../../support/airflow-stub-server.js';

const PASSWORD = 'v1-pa55word';
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const LOG = readFileSync(new URL('../../fixtures/http/airflow/v1/log.txt', import.meta.url), 'utf8');
const RUN = '/api/v1/dags/chatops_flaky/dagRuns/it_v1';
let stub: AirflowStub;
let client: AirflowClient;

beforeAll(async () => {
  stub = await startAirflowStub([
    // Airflow 2 has no /api/v2: its Flask app answers 404.
    { method: 'GET', path: '/api/v1/version', reply: { body: fixture('v1/version') } },
    { method: 'GET', path: '/api/v1/health', reply: { body: fixture('v1/health') } },
    { method: 'GET', path: '/api/v1/dags', reply: { body: fixture('v1/dags') } },
    { method: 'GET', path: '/api/v1/dags/chatops_flaky/details', reply: { body: fixture('v1/dag-details') } },
    { method: 'GET', path: '/api/v1/dags/nope/details', reply: { status: 404, body: fixture('v1/error-404-dag') } },
    {
      method: 'POST',
      path: '/api/v1/dags/chatops_flaky/dagRuns',
      reply: (r) =>
        (r.body as { dag_run_id?: string }).dag_run_id === 'it_dup'
          ? { status: 409, body: fixture('v1/error-409-run'), contentType: 'application/problem+json' }
          : { body: fixture('v1/dag-run') },
    },
    { method: 'GET', path: '/api/v1/dags/chatops_flaky/dagRuns', reply: { body: fixture('v1/dag-runs') } },
    { method: 'GET', path: `${RUN}/taskInstances`, reply: { body: fixture('v1/task-instances') } },
    { method: 'GET', path: `${RUN}/taskInstances/flaky`, reply: { body: fixture('v1/task-instance') } },
    {
      method: 'GET',
      path: `${RUN}/taskInstances/flaky/logs/1`,
      reply: { body: LOG, contentType: 'text/plain; charset=utf-8' },
    },
    { method: 'POST', path: '/api/v1/dags/chatops_flaky/clearTaskInstances', reply: { body: fixture('v1/clear') } },
  ]);
  client = createAirflowClient({
    baseUrl: stub.url,
    username: 'admin',
    password: PASSWORD,
    apiVersion: 'auto',
    timeoutMs: 2_000,
  });
});

afterAll(async () => {
  await stub.close();
});

describe('AirflowClient on Airflow 2 (/api/v1)', () => {
  it('falls back to v1 when /api/v2/version is missing', async () => {
    expect(await client.apiVersion()).toBe('v1');
    expect(stub.sent('GET', '/api/v2/version')).toHaveLength(1);
    expect(stub.sent('GET', '/api/v1/version')).toHaveLength(1);
  });

  it('reads /api/v1/health and the version', async () => {
    const h = await client.health();
    expect(h).toMatchObject({ version: '2.10.5', apiVersion: 'v1' });
    expect(h.components.map((c) => `${c.name}:${c.status}`)).toEqual([
      'metadatabase:healthy',
      'scheduler:healthy',
      'triggerer:healthy',
      'dag_processor:unknown',
    ]);
  });

  it('sends Basic auth and maps is_active and schedule_interval', async () => {
    const page = await client.listDags({ pattern: 'chatops', limit: 10 });
    const req = stub.sent('GET', '/api/v1/dags')[0];
    expect(req?.headers.authorization).toBe(BASIC);
    expect(req?.query.get('only_active')).toBe('true');
    expect(req?.query.get('dag_id_pattern')).toBe('chatops');
    expect(page.items.map((d) => [d.dagId, d.isStale, d.schedule])).toEqual([
      ['chatops_flaky', false, '0 3 * * *'],
      ['chatops_smoke', true, 'Never, external triggers only'],
    ]);
    expect(page.items[0]?.url).toMatch(/\/dags\/chatops_flaky\/grid$/);
  });

  it('reads DAG params from /details', async () => {
    const dag = await client.getDag('chatops_flaky');
    expect(dag.params).toEqual([
      { name: 'fail', type: 'boolean', default: false, description: 'Fail every try regardless of the Variable' },
    ]);
  });

  it('names a missing DAG from an RFC 7807 404', async () => {
    await expect(client.getDag('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/no DAG named 'nope'/),
    });
  });

  it('triggers without logical_date and maps execution_date', async () => {
    const run = await client.triggerDagRun('chatops_flaky', { runId: 'it_v1', conf: { a: 1 } });
    expect(stub.sent('POST', '/api/v1/dags/chatops_flaky/dagRuns')[0]?.body).toStrictEqual({
      conf: { a: 1 },
      dag_run_id: 'it_v1',
    });
    expect(run.logicalDate?.toISOString()).toBe('2026-11-26T04:41:00.000Z');
    expect(run.url).toMatch(/\/dags\/chatops_flaky\/grid\?dag_run_id=it_v1$/);
  });

  it('answers a duplicate run id with CONFLICT naming it', async () => {
    await expect(client.triggerDagRun('chatops_flaky', { runId: 'it_dup' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringMatching(/'it_dup'/),
    });
  });

  it('orders runs by execution_date, Airflow 2’s stand-in for run_after', async () => {
    const page = await client.listDagRuns({ dagId: 'chatops_flaky', updatedSince: new Date(0) });
    const req = stub.sent('GET', '/api/v1/dags/chatops_flaky/dagRuns')[0];
    expect(req?.query.get('order_by')).toBe('-execution_date');
    expect(req?.query.get('updated_at_gte')).toBe('1970-01-01T00:00:00.000Z');
    expect(page.items[0]?.state).toBe('failed');
  });

  it('links task instances into the grid view', async () => {
    const tis = await client.listTaskInstances('chatops_flaky', 'it_v1');
    expect(tis[1]?.logUrl).toMatch(/grid\?dag_run_id=it_v1&task_id=flaky&tab=logs&try_number=1$/);
  });

  it('reads logs as text/plain and keeps the tail', async () => {
    const log = await client.taskLog({ dagId: 'chatops_flaky', runId: 'it_v1', taskId: 'flaky', lines: 3 });
    const req = stub.sent('GET', `${RUN}/taskInstances/flaky/logs/1`)[0];
    expect(req?.headers.accept).toBe('text/plain');
    expect(req?.query.get('full_content')).toBe('true');
    expect(log.tryNumber).toBe(1);
    expect(log.lines).toEqual([
      'Traceback (most recent call last):',
      "RuntimeError: chatops_flaky: simulated failure (Variable chatops_flaky_fail is 'true')",
      '[2026-11-26T04:41:08.100+0000] {taskinstance.py:1225} INFO - Marking task as FAILED.',
    ]);
    expect(log.truncated).toBe(5);
  });

  it('clears with dry_run and fills in each task’s state from the run', async () => {
    const r = await client.clearFailed({ dagId: 'chatops_flaky', runId: 'it_v1', dryRun: true });
    expect(stub.sent('POST', '/api/v1/dags/chatops_flaky/clearTaskInstances')[0]?.body).toStrictEqual({
      dry_run: true,
      only_failed: true,
      dag_run_id: 'it_v1',
      reset_dag_runs: true,
    });
    expect(r).toEqual({ dryRun: true, tasks: [{ taskId: 'flaky', mapIndex: -1, state: 'failed' }] });
  });

  it('answers a plain-text 401 with a hint to check AIRFLOW_USERNAME', async () => {
    const bad = await startAirflowStub([
      { method: 'GET', path: '/api/v1/dags', reply: { status: 401, body: 'Unauthorized', contentType: 'text/plain' } },
    ]);
    try {
      const c = createAirflowClient({ baseUrl: bad.url, username: 'admin', password: PASSWORD, apiVersion: 'v1' });
      const err = await c.listDags().catch((e: unknown) => e as Error & { userMessage?: string; code?: string });
      expect(err).toMatchObject({ code: 'UPSTREAM_AUTH', userMessage: expect.stringMatching(/AIRFLOW_USERNAME/) });
      expect(JSON.stringify(err) + String(err)).not.toContain(PASSWORD);
    } finally {
      await bad.close();
    }
  });
});
