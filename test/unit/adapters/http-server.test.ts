import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../../src/adapters/http-server.js';
import { createLogger } from '../../../src/bot/logger.js';

const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('createHttpServer', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  async function started(setup: (s: HttpServer) => void): Promise<string> {
    server = createHttpServer({ port: 0, host: '127.0.0.1', log, healthTimeoutMs: 100 });
    setup(server);
    return (await server.start()).url;
  }

  it('answers /healthz 200 with every adapter and upstream check when all are ok', async () => {
    const url = await started((s) => {
      s.registerHealth('adapters', 'slack', () => ({ ok: true, mode: 'http' }));
      s.registerHealth('upstream', 'airflow', async () => ({ ok: true }));
    });

    const res = await fetch(`${url}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      adapters: { slack: { ok: true, mode: 'http' } },
      upstream: { airflow: { ok: true } },
    });
  });

  it('answers /healthz 503 naming the failing, throwing or slow check', async () => {
    const url = await started((s) => {
      s.registerHealth('adapters', 'slack', () => ({ ok: true }));
      s.registerHealth('upstream', 'mlflow', async () => {
        throw new Error('connect ECONNREFUSED');
      });
      s.registerHealth('upstream', 'airflow', () => new Promise(() => undefined));
    });

    const res = await fetch(`${url}/healthz`);

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      ok: false,
      adapters: { slack: { ok: true } },
      upstream: { mlflow: { ok: false, error: 'connect ECONNREFUSED' }, airflow: { ok: false, error: 'timeout' } },
    });
  });

  it('routes exact paths and `*` prefixes by method, and answers 404 otherwise', async () => {
    const url = await started((s) => {
      s.route('POST', '/webhooks/*', (req, res) => {
        res.end(`hook ${req.url}`);
      });
      s.route('POST', '/slack/events', (_req, res) => {
        res.end('slack');
      });
    });

    const hook = await (await fetch(`${url}/webhooks/airflow`, { method: 'POST' })).text();
    const slack = await (await fetch(`${url}/slack/events`, { method: 'POST' })).text();
    const wrongMethod = await fetch(`${url}/slack/events`);

    expect([hook, slack, wrongMethod.status]).toEqual(['hook /webhooks/airflow', 'slack', 404]);
  });
});
