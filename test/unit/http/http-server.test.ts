import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/bot/logger.js';
import { createHttpServer, type HttpServer } from '../../../src/http/http-server.js';

describe('createHttpServer', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.stop();
  });

  let clock = 0;
  let logged = '';

  async function started(setup: (s: HttpServer) => void): Promise<string> {
    clock = 0;
    logged = '';
    const captured = createLogger({
      level: 'info',
      destination: new Writable({
        write: (c, _e, cb) => {
          logged += String(c);
          cb();
        },
      }),
    });
    server = createHttpServer({ port: 0, host: '127.0.0.1', log: captured, healthTimeoutMs: 100, now: () => clock });
    setup(server);
    return (await server.start()).url;
  }

  it('answers /healthz 200 with every adapter and upstream check, each just ok, when all are ok', async () => {
    const url = await started((s) => {
      s.registerHealth('adapters', 'slack', () => ({ ok: true, mode: 'http' }));
      s.registerHealth('upstream', 'airflow', async () => ({ ok: true }));
    });

    const res = await fetch(`${url}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      adapters: { slack: { ok: true } },
      upstream: { airflow: { ok: true } },
    });
  });

  it('answers /healthz 503 naming the failing, throwing or slow check, and keeps the reasons for the log', async () => {
    const url = await started((s) => {
      s.registerHealth('adapters', 'slack', () => ({ ok: true }));
      s.registerHealth('upstream', 'mlflow', async () => {
        throw new Error('connect ECONNREFUSED 10.20.0.7:5000 (mlflow.corp.internal)');
      });
      s.registerHealth('upstream', 'airflow', () => new Promise(() => undefined));
    });

    const res = await fetch(`${url}/healthz`);
    const text = await res.text();

    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      ok: false,
      adapters: { slack: { ok: true } },
      upstream: { mlflow: { ok: false }, airflow: { ok: false } },
    });
    expect(text).not.toMatch(/ECONNREFUSED|10\.20|corp\.internal|timeout/);
    expect(logged).toContain('mlflow.corp.internal');
  });

  it('checks each upstream at most once per 5 s however many probes come, then again', async () => {
    let checks = 0;
    const url = await started((s) => {
      s.registerHealth('upstream', 'airflow', async () => {
        checks++;
        return { ok: true };
      });
    });

    await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/healthz`).then((r) => r.text())));
    clock += 4_999;
    await fetch(`${url}/healthz`).then((r) => r.text());
    const withinWindow = checks;
    clock += 1;
    await fetch(`${url}/healthz`).then((r) => r.text());

    expect([withinWindow, checks]).toEqual([1, 2]);
  });

  it('logs a steady failure once, and the recovery once', async () => {
    let up = false;
    const url = await started((s) => {
      s.registerHealth('upstream', 'airflow', async () => {
        if (!up) throw new Error('Airflow at http://airflow.corp:8080 did not answer');
        return { ok: true };
      });
    });

    for (let i = 0; i < 3; i++) {
      await fetch(`${url}/healthz`).then((r) => r.text());
      clock += 5_000;
    }
    up = true;
    for (let i = 0; i < 2; i++) {
      await fetch(`${url}/healthz`).then((r) => r.text());
      clock += 5_000;
    }

    expect(logged.match(/health check failing/g)).toHaveLength(1);
    expect(logged.match(/health check ok again/g)).toHaveLength(1);
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
