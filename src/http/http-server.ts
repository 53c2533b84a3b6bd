import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../bot/logger.js';
import { createHealth, type HealthCheck, type HealthDeps, type HealthReport, publicView } from './health.js';

export type { ComponentHealth, HealthCheck, HealthReport, PublicHealth } from './health.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServer {
  /** `path` is exact, or a prefix when it ends with `*` (`/webhooks/*`). */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void;
  /** Adapters register their own state; the app registers upstream checks. Each shows under /healthz. */
  registerHealth(kind: 'adapters' | 'upstream', name: string, check: HealthCheck): void;
  /** Every check with its details (upstream results cached, as for /healthz). */
  health(): Promise<HealthReport>;
  start(): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export interface HttpServerDeps {
  port: number;
  host: string;
  log: Logger;
  /** A check slower than this reports `{ ok: false, error: 'timeout' }` rather than stalling the probe. */
  healthTimeoutMs?: HealthDeps['timeoutMs'];
  /** How long an upstream check's result is reused (default 5 s); see HealthDeps. */
  healthCacheMs?: HealthDeps['cacheMs'];
  /** The clock for that cache (ms); tests pass a fake one. */
  now?: HealthDeps['now'];
}

interface Route {
  method: string;
  path: string;
  prefix: boolean;
  handler: RouteHandler;
}

/** The one HTTP server on PORT: Slack events, /healthz and /webhooks/*. */
export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const routes: Route[] = [];
  const health = createHealth({
    log: deps.log,
    timeoutMs: deps.healthTimeoutMs,
    cacheMs: deps.healthCacheMs,
    now: deps.now,
  });
  let server: Server | undefined;

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async function listener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'GET' && path === '/healthz') {
      const report = await health.report();
      // Unauthenticated: no hostnames, ports or upstream error text; `status` and the log have the details.
      return send(res, report.ok ? 200 : 503, publicView(report));
    }
    const match = routes.find((r) => r.method === method && (r.prefix ? path.startsWith(r.path) : path === r.path));
    if (!match) return send(res, 404, { ok: false, error: 'not_found' });
    await match.handler(req, res);
  }

  return {
    route(method, path, handler) {
      const prefix = path.endsWith('*');
      routes.push({ method, path: prefix ? path.slice(0, -1) : path, prefix, handler });
    },
    registerHealth: health.register,
    health: health.report,
    async start() {
      if (server) throw new Error('the HTTP server is already started');
      const s = createServer((req, res) => {
        listener(req, res).catch((err: unknown) => {
          deps.log.error({ err }, 'http handler failed');
          if (!res.headersSent) send(res, 500, { ok: false, error: 'internal' });
          else res.end();
        });
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(deps.port, deps.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const { port } = s.address() as AddressInfo;
      const host = deps.host === '0.0.0.0' || deps.host === '::' ? '127.0.0.1' : deps.host;
      deps.log.info({ port, host: deps.host }, 'http server listening');
      return { port, url: `http://${host}:${port}` };
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      // Keep-alive sockets from Slack or probes would otherwise hold close() open.
      s.closeIdleConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
