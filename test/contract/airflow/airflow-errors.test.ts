import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/bot/logger.js';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import {
  type AirflowStub,
  closedPort,
  fixture,
  type StubRoute,
  startAirflowStub,
} from '../../support/airflow-stub-server.js';
import { failure as failing } from '../../support/failure.js';

const PASSWORD = 'pa55-word-never-shown';
const TOKEN = 'eyJhbGciOiJIUzUxMiJ9.stub.sig';
const stubs: AirflowStub[] = [];
// No error may carry a secret, whatever happened.
const failure = (p: Promise<unknown>) => failing(p, PASSWORD, TOKEN);

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

const login: StubRoute = { method: 'POST', path: '/auth/token', reply: { status: 201, body: fixture('v2/token') } };

async function v2With(routes: StubRoute[], timeoutMs = 2_000) {
  const stub = await startAirflowStub([login, ...routes]);
  stubs.push(stub);
  const client = createAirflowClient({
    baseUrl: stub.url,
    username: 'admin',
    password: PASSWORD,
    apiVersion: 'v2',
    timeoutMs,
  });
  return { stub, client };
}

describe('AirflowClient error mapping', () => {
  it('answers 401 from /auth/token with a hint to check AIRFLOW_USERNAME and AIRFLOW_PASSWORD, without retrying', async () => {
    const bad = await startAirflowStub([
      { method: 'POST', path: '/auth/token', reply: { status: 401, body: { detail: 'Invalid credentials' } } },
      { method: 'GET', path: '/api/v2/dags', reply: { body: fixture('v2/dags') } },
    ]);
    stubs.push(bad);
    const c = createAirflowClient({ baseUrl: bad.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
    const e = await failure(c.listDags());
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/AIRFLOW_USERNAME/);
    expect(e.userMessage).toMatch(/AIRFLOW_PASSWORD/);
    expect(bad.sent('POST', '/auth/token')).toHaveLength(1);
    expect(bad.sent('GET', '/api/v2/dags')).toHaveLength(0);
  });

  it('renews an expired token exactly once and retries the call', async () => {
    let calls = 0;
    const { stub, client } = await v2With([
      {
        method: 'GET',
        path: '/api/v2/dags',
        reply: () => (++calls === 2 ? { status: 401, body: fixture('v2/error-401') } : { body: fixture('v2/dags') }),
      },
    ]);
    await client.listDags();
    const page = await client.listDags();
    expect(page.total).toBe(2);
    expect(stub.sent('POST', '/auth/token')).toHaveLength(2);
    expect(stub.sent('GET', '/api/v2/dags')).toHaveLength(3);
  });

  it('gives up after one renewal when the API keeps answering 401', async () => {
    const { stub, client } = await v2With([
      { method: 'GET', path: '/api/v2/dags', reply: { status: 401, body: fixture('v2/error-401') } },
    ]);
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.status).toBe(401);
    expect(e.userMessage).toMatch(/check AIRFLOW_USERNAME/);
    expect(stub.sent('POST', '/auth/token')).toHaveLength(2);
    expect(stub.sent('GET', '/api/v2/dags')).toHaveLength(2);
  });

  it('names the missing DAG on 404', async () => {
    const { client } = await v2With([
      { method: 'GET', path: '/api/v2/dags/nope/details', reply: { status: 404, body: fixture('v2/error-404-dag') } },
      { method: 'POST', path: '/api/v2/dags/nope/dagRuns', reply: { status: 404, body: fixture('v2/error-404-dag') } },
    ]);
    const e = await failure(client.getDag('nope'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.userMessage).toMatch(/no DAG named 'nope'/);
    const t = await failure(client.triggerDagRun('nope'));
    expect(t.userMessage).toMatch(/no DAG named 'nope'/);
  });

  it('names the missing run and DAG on 404 for a run', async () => {
    const { client } = await v2With([
      {
        method: 'GET',
        path: '/api/v2/dags/chatops_smoke/dagRuns/gone',
        reply: {
          status: 404,
          body: { detail: 'The DagRun with dag_id: `chatops_smoke` and run_id: `gone` was not found' },
        },
      },
    ]);
    const e = await failure(client.getDagRun('chatops_smoke', 'gone'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.userMessage).toMatch(/no run 'gone' of DAG 'chatops_smoke'/);
  });

  it('answers a duplicate run id with CONFLICT naming the run id', async () => {
    const { client } = await v2With([
      {
        method: 'POST',
        path: '/api/v2/dags/chatops_flaky/dagRuns',
        reply: { status: 409, body: fixture('v2/error-409-run') },
      },
    ]);
    const e = await failure(client.triggerDagRun('chatops_flaky', { runId: 'it_dup' }));
    expect(e.code).toBe('CONFLICT');
    expect(e.status).toBe(409);
    expect(e.userMessage).toMatch(/already has a run with id 'it_dup'/);
  });

  it('names the field Airflow rejected on 422, without echoing the input', async () => {
    const { client } = await v2With([
      {
        method: 'POST',
        path: '/api/v2/dags/chatops_flaky/dagRuns',
        reply: {
          status: 422,
          body: {
            detail: [
              { type: 'missing', loc: ['body', 'logical_date'], msg: 'Field required', input: { secret: PASSWORD } },
            ],
          },
        },
      },
    ]);
    const e = await failure(client.triggerDagRun('chatops_flaky'));
    expect(e.code).toBe('UPSTREAM_REJECTED');
    expect(e.status).toBe(422);
    expect(e.userMessage).toMatch(/field 'body\.logical_date': Field required/);
  });

  it('reports 500 as a rejection with its detail', async () => {
    const { client } = await v2With([
      { method: 'GET', path: '/api/v2/dags', reply: { status: 500, body: { detail: 'Internal Server Error' } } },
    ]);
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_REJECTED');
    expect(e.status).toBe(500);
    expect(e.userMessage).toMatch(/HTTP 500.*Internal Server Error/);
  });

  it('reports 503 as unavailable, to try again shortly', async () => {
    const { client } = await v2With([
      {
        method: 'GET',
        path: '/api/v2/dags',
        reply: { status: 503, body: 'Service Unavailable', contentType: 'text/plain' },
      },
    ]);
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/unavailable \(HTTP 503\)/);
  });

  it('times out a server that never answers, after the configured time', async () => {
    const { client } = await v2With([{ method: 'GET', path: '/api/v2/dags', reply: { hang: true } }], 300);
    const started = Date.now();
    const e = await failure(client.listDags());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/did not answer within 0\.3 s/);
  });

  it('stops when the caller aborts through the signal', async () => {
    const { client } = await v2With([{ method: 'GET', path: '/api/v2/dags', reply: { hang: true } }], 5_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await failure(client.listDags({}, { signal: ac.signal }));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/cancelled/);
  });

  it('stops waiting for a hanging login when the caller aborts', async () => {
    const stub = await startAirflowStub([{ method: 'POST', path: '/auth/token', reply: { hang: true } }]);
    stubs.push(stub);
    const c = createAirflowClient({
      baseUrl: stub.url,
      username: 'admin',
      password: PASSWORD,
      apiVersion: 'v2',
      timeoutMs: 5_000,
    });
    const started = Date.now();
    const e = await failure(c.listDags({}, { signal: AbortSignal.timeout(100) }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/cancelled/);
  });

  it('says Airflow is unreachable when the connection is refused', async () => {
    const port = await closedPort();
    const client = createAirflowClient({
      baseUrl: `http://127.0.0.1:${port}`,
      username: 'admin',
      password: PASSWORD,
      apiVersion: 'auto',
    });
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toContain(`Airflow at http://127.0.0.1:${port} is unreachable`);
  });

  it('reports malformed JSON as a contract failure', async () => {
    const { client } = await v2With([{ method: 'GET', path: '/api/v2/dags', reply: { body: '{"dags": [' } }]);
    const e = await failure(client.listDags());
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/malformed JSON/);
  });

  it('names the field that is missing from an answer', async () => {
    const run = { ...(fixture('v2/dag-run-queued') as Record<string, unknown>) };
    delete run.state;
    const { client } = await v2With([
      { method: 'POST', path: '/api/v2/dags/chatops_flaky/dagRuns', reply: { body: run } },
    ]);
    const e = await failure(client.triggerDagRun('chatops_flaky'));
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/at 'state'/);
  });

  it('reports a token answer without access_token as a contract failure', async () => {
    const stub = await startAirflowStub([
      { method: 'POST', path: '/auth/token', reply: { status: 201, body: { token_type: 'bearer' } } },
    ]);
    stubs.push(stub);
    const c = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
    const e = await failure(c.listDags());
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/access_token/);
  });

  it('accepts jwt_token as the token field', async () => {
    const stub = await startAirflowStub([
      { method: 'POST', path: '/auth/token', reply: { status: 201, body: { jwt_token: 'jwt-from-docs' } } },
      { method: 'GET', path: '/api/v2/dags', reply: { body: fixture('v2/dags') } },
    ]);
    stubs.push(stub);
    const c = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'v2' });
    await c.listDags();
    expect(stub.sent('GET', '/api/v2/dags')[0]?.headers.authorization).toBe('Bearer jwt-from-docs');
  });

  it('never writes the password or the token to the log', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } });
    let calls = 0;
    const stub = await startAirflowStub([
      login,
      { method: 'GET', path: '/api/v2/version', reply: { body: fixture('v2/version') } },
      {
        method: 'GET',
        path: '/api/v2/dags',
        reply: () => (++calls === 1 ? { status: 401, body: fixture('v2/error-401') } : { body: fixture('v2/dags') }),
      },
    ]);
    stubs.push(stub);
    const c = createAirflowClient({
      baseUrl: stub.url,
      username: 'admin',
      password: PASSWORD,
      apiVersion: 'auto',
      log,
    });
    await c.listDags();
    expect(lines.join('')).toMatch(/detected the Airflow REST API/);
    expect(lines.join('')).toMatch(/renewing/);
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('says so when the URL serves neither API version', async () => {
    const stub = await startAirflowStub([]);
    stubs.push(stub);
    const c = createAirflowClient({ baseUrl: stub.url, username: 'admin', password: PASSWORD, apiVersion: 'auto' });
    const e = await failure(c.apiVersion());
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/neither \/api\/v2 nor \/api\/v1.*AIRFLOW_URL/);
  });
});
