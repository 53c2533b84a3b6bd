import type { Logger } from '../bot/logger.js';

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

export interface Health {
  /** Adapters register their own state; the app registers upstream checks. */
  register(kind: 'adapters' | 'upstream', name: string, check: HealthCheck): void;
  /** Every check with its details (upstream results cached). */
  report(): Promise<HealthReport>;
}

export interface HealthDeps {
  log: Logger;
  /** A check slower than this reports `{ ok: false, error: 'timeout' }` rather than stalling the probe. */
  timeoutMs?: number;
  /**
   * How long an upstream check's result is reused (default 5 s): /healthz is open to anyone who can reach the port,
   * and a flood of probes must not become a flood of requests to Airflow and MLflow.
   */
  cacheMs?: number;
  /** The clock for that cache (ms); tests pass a fake one. */
  now?: () => number;
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

export function publicView(r: HealthReport): PublicHealth {
  const okOnly = (m: Record<string, ComponentHealth>) =>
    Object.fromEntries(Object.entries(m).map(([name, h]) => [name, { ok: h.ok === true }]));
  return { ok: r.ok, adapters: okOnly(r.adapters), upstream: okOnly(r.upstream) };
}

/** The checks behind /healthz and `status`: adapters asked every time, upstreams at most once per cacheMs. */
export function createHealth(deps: HealthDeps): Health {
  const checks = { adapters: new Map<string, HealthCheck>(), upstream: new Map<string, HealthCheck>() };
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const cacheMs = deps.cacheMs ?? 5_000;
  const now = deps.now ?? Date.now;
  // One result (or one check in flight) per upstream, shared by every probe until it is cacheMs old.
  const cached = new Map<string, { at: number; result: Promise<ComponentHealth> }>();
  // The last failure logged per component, so a steady failure is one log line, not one per probe.
  const lastLogged = new Map<string, string>();

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

  return {
    register(kind, name, check) {
      checks[kind].set(name, check);
    },
    async report() {
      const collect = async (
        m: Map<string, HealthCheck>,
        run: (name: string, c: HealthCheck) => Promise<ComponentHealth>,
      ) => Object.fromEntries(await Promise.all([...m].map(async ([name, c]) => [name, await run(name, c)])));
      const adapters: Record<string, ComponentHealth> = await collect(checks.adapters, (_n, c) =>
        runCheck(c, timeoutMs),
      );
      const upstream: Record<string, ComponentHealth> = await collect(checks.upstream, upstreamCheck);
      for (const [name, h] of Object.entries(adapters)) noteState(`adapters.${name}`, h);
      for (const [name, h] of Object.entries(upstream)) noteState(`upstream.${name}`, h);
      const ok = [...Object.values(adapters), ...Object.values(upstream)].every((h) => h.ok);
      return { ok, adapters, upstream };
    },
  };
}
