// A kept-alive socket the server has already closed fails the next request before any answer arrives. Under load this
// happens for real (MLflow's and Airflow's servers drop idle connections): a read is sent once more, a write never.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../../src/clients/airflow/airflow-client.js';
import { createMlflowClient } from '../../../src/clients/mlflow/mlflow-client.js';
import { fixture } from '../../support/airflow-stub-server.js';
import { failure } from '../../support/failure.js';
import { RUN_ID, runJson } from '../../support/mlflow-recorded.js';

type Reply = { status?: number; json?: unknown; hang?: boolean };

/** Closes the socket of the first `drops` requests without a byte of answer; answers the rest from `routes`. */
class ClosingServer {
  drops = 0;
  readonly seen: string[] = [];
  routes = new Map<string, Reply>();
  private readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
      this.seen.push(key);
      if (this.drops > 0) {
        this.drops--;
        req.socket.destroy();
        return;
      }
      const reply = this.routes.get(key) ?? { status: 404, json: { detail: 'Not Found' } };
      if (reply.hang) {
        this.hanging.add(res);
        return;
      }
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.json ?? {}));
    });
  }

  reset(): void {
    this.drops = 0;
    this.seen.length = 0;
    this.routes.clear();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const server = new ClosingServer();
beforeAll(() => server.start());
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('a connection closed before any answer', () => {
  const mlflow = () => createMlflowClient({ baseUrl: server.url, timeoutMs: 2_000 });
  const airflow = () =>
    createAirflowClient({ baseUrl: server.url, username: 'admin', password: 'pw', apiVersion: 'v1', timeoutMs: 2_000 });

  it('sends an MLflow GET once more and returns its answer', async () => {
    server.routes.set('GET /api/2.0/mlflow/runs/get', { json: { run: runJson } });
    server.drops = 1;
    const run = await mlflow().getRun(RUN_ID);
    expect(run.runId).toBe(RUN_ID);
    expect(server.seen).toEqual(['GET /api/2.0/mlflow/runs/get', 'GET /api/2.0/mlflow/runs/get']);
  });

  it('sends MLflow’s read-only search POST once more', async () => {
    server.routes.set('POST /api/2.0/mlflow/runs/search', { json: { runs: [runJson] } });
    server.drops = 1;
    const page = await mlflow().searchRuns({ experimentIds: ['7'] });
    expect(page.items.map((r) => r.runId)).toEqual([RUN_ID]);
    expect(server.seen).toHaveLength(2);
  });

  it('never sends an MLflow write twice', async () => {
    server.routes.set('POST /api/2.0/mlflow/registered-models/alias', { json: {} });
    server.drops = 1;
    const e = await failure(mlflow().setAlias('churn-model', 'champion', '3'));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(server.seen).toEqual(['POST /api/2.0/mlflow/registered-models/alias']);
  });

  it('sends an Airflow GET once more, but never a trigger', async () => {
    server.routes.set('GET /api/v1/dags/chatops_flaky/dagRuns/it_v1', { json: fixture('v1/dag-run') });
    server.routes.set('POST /api/v1/dags/chatops_flaky/dagRuns', { json: fixture('v1/dag-run') });
    server.drops = 1;
    expect((await airflow().getDagRun('chatops_flaky', 'it_v1')).runId).toBe('it_v1');
    expect(server.seen).toHaveLength(2);
    server.seen.length = 0;
    server.drops = 1;
    const e = await failure(airflow().triggerDagRun('chatops_flaky', { runId: 'it_v1' }));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(server.seen).toEqual(['POST /api/v1/dags/chatops_flaky/dagRuns']);
  });

  it('gives up when the second try is closed too', async () => {
    server.routes.set('GET /api/2.0/mlflow/runs/get', { json: { run: runJson } });
    server.drops = 2;
    const e = await failure(mlflow().getRun(RUN_ID));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/unreachable/);
    expect(server.seen).toHaveLength(2);
  });

  it('does not resend a GET that timed out, nor one answered with an error status', async () => {
    server.routes.set('GET /api/2.0/mlflow/runs/get', { hang: true });
    const slow = createMlflowClient({ baseUrl: server.url, timeoutMs: 200 });
    expect((await failure(slow.getRun(RUN_ID))).userMessage).toMatch(/did not answer within 0\.2 s/);
    expect(server.seen).toHaveLength(1);
    server.seen.length = 0;
    server.routes.set('GET /api/2.0/mlflow/runs/get', { status: 503, json: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
    expect((await failure(mlflow().getRun(RUN_ID))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(server.seen).toHaveLength(1);
  });
});
