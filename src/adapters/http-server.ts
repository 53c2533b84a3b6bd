import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../bot/logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ComponentHealth {
  ok: boolean;
  [detail: string]: unknown;
}

export type HealthCheck = () => ComponentHealth | Promise<ComponentHealth>;

export interface HealthReport {
  ok: boolean;
  adapters: Record<string, ComponentHealth>;
  upstream: Record<string, ComponentHealth>;
}

/** What anyone who can reach the port sees: component names and ok or not; the reasons go to the log. */
export interface PublicHealth {
  ok: boolean;
  adapters: Record<string, { ok: boolean }>;
  upstream: Record<string, { ok: boolean }>;
}

export interface HttpServer {
  /** `path` is exact, or a prefix when it ends with `*` (`/webhooks/*`). */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void;
  /** Adapters register their own state; main registers upstream checks. Each shows under /healthz. */
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
  healthTimeoutMs?: number;
  /**
   * How long an upstream check's result is reused (default 5 s): /healthz is open to anyone who can reach the port,
   * and a flood of probes must not become a flood of requests to Airflow and MLflow.
   */
  healthCacheMs?: number;
  /** The clock for that cache (ms); tests pass a fake one. */
  now?: () => number;
}

interface Route {
  method: string;
  path: string;
  prefix: boolean;
  handler: RouteHandler;
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

function publicView(r: HealthReport): PublicHealth {
  const okOnly = (m: Record<string, ComponentHealth>) =>
    Object.fromEntries(Object.entries(m).map(([name, h]) => [name, { ok: h.ok === true }]));
  return { ok: r.ok, adapters: okOnly(r.adapters), upstream: okOnly(r.upstream) };
}

/** The one HTTP server on PORT: Slack events, /healthz, and later /webhooks/* and /metrics. */
export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const routes: Route[] = [];
  const checks = { adapters: new Map<string, HealthCheck>(), upstream: new Map<string, HealthCheck>() };
  const timeoutMs = deps.healthTimeoutMs ?? 2_000;
  const cacheMs = deps.healthCacheMs ?? 5_000;
  const now = deps.now ?? Date.now;
  // One result (or one check in flight) per upstream, shared by every probe until it is cacheMs old.
  const cached = new Map<string, { at: number; result: Promise<ComponentHealth> }>();
  // The last failure logged per component, so a steady failure is one log line, not one per probe.
  const lastLogged = new Map<string, string>();
  let server: Server | undefined;

  function noteState(component: string, h: ComponentHealth): void {
    const { ok, ...detail } = h;
    const state = ok ? 'ok' : String(detail.error ?? 'failing');
    if ((lastLogged.get(component) ?? 'ok') === state) return;
    lastLogged.set(component, state);
    if (ok) deps.log.info({ component }, 'health check ok again');
    else deps.log.warn({ component, ...detail }, 'health check failing');
  }

  function upstreamCheck(name: string, check: HealthCheck): Promise<ComponentHealth> {
    const hit = cached.get(name);
    if (hit && now() - hit.at < cacheMs) return hit.result;
    const result = runCheck(check, timeoutMs);
    cached.set(name, { at: now(), result });
    return result;
  }

  async function health(): Promise<HealthReport> {
    const collect = async (
      m: Map<string, HealthCheck>,
      run: (name: string, c: HealthCheck) => Promise<ComponentHealth>,
    ) => Object.fromEntries(await Promise.all([...m].map(async ([name, c]) => [name, await run(name, c)])));
    const adapters: Record<string, ComponentHealth> = await collect(checks.adapters, (_n, c) => runCheck(c, timeoutMs));
    const upstream: Record<string, ComponentHealth> = await collect(checks.upstream, upstreamCheck);
    for (const [name, h] of Object.entries(adapters)) noteState(`adapters.${name}`, h);
    for (const [name, h] of Object.entries(upstream)) noteState(`upstream.${name}`, h);
    const ok = [...Object.values(adapters), ...Object.values(upstream)].every((h) => h.ok);
    return { ok, adapters, upstream };
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async function listener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'GET' && path === '/healthz') {
      const report = await health();
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
    registerHealth(kind, name, check) {
      checks[kind].set(name, check);
    },
    health,
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
