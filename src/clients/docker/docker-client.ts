import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { userError } from '../../bot/errors.js';
import { checkId } from '../../bot/ids.js';
import type { Logger } from '../../bot/logger.js';
import { maskSecretLines } from '../../bot/secrets/index.js';
import { toDockerError } from './docker-errors.js';
import { parseDockerHost } from './docker-host.js';
import { looksFramed, parseLogFrames, parsePlainLog } from './log-frames.js';
import type {
  DockerClient,
  LogLine,
  RestartOptions,
  RestartResult,
  ServiceHealth,
  ServiceState,
  ServiceStatus,
} from './types.js';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

export interface DockerClientDeps {
  /** DOCKER_HOST: unix:///path/docker.sock or tcp://host:port; default the local socket. */
  dockerHost?: string;
  /** The compose project whose containers (and only those) the bot may see and touch. */
  project: string;
  log?: Logger;
  /** Idle timeout of one Engine API request. */
  requestTimeoutMs?: number;
  /** How often restart() looks at the container while it waits. */
  pollMs?: number;
}

const STATES: readonly ServiceState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const HEALTHS: readonly ServiceHealth[] = ['healthy', 'unhealthy', 'starting'];
const MAX_LINES = 1000;

type Inspect = Docker.ContainerInspectInfo;

export function createDockerClient(deps: DockerClientDeps): DockerClient {
  const endpoint = parseDockerHost(deps.dockerHost);
  const docker = new Docker(
    endpoint.kind === 'socket'
      ? { socketPath: endpoint.socketPath, timeout: deps.requestTimeoutMs ?? 30_000 }
      : {
          host: endpoint.host,
          port: endpoint.port,
          protocol: endpoint.protocol,
          timeout: deps.requestTimeoutMs ?? 30_000,
        },
  );
  const project = deps.project;
  const pollMs = deps.pollMs ?? 250;
  const log = deps.log?.child({ client: 'docker', project });

  async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const mapped = toDockerError(err, endpoint.label, what);
      log?.warn({ code: mapped.code, status: mapped.status, what }, mapped.message);
      throw mapped;
    }
  }

  /** Containers of this project only: the label filter is applied by the engine, then checked again here. */
  async function projectContainers(signal?: AbortSignal, service?: string): Promise<Docker.ContainerInfo[]> {
    const label = [`${PROJECT_LABEL}=${project}`];
    if (service) label.push(`${SERVICE_LABEL}=${service}`);
    const list = await docker.listContainers({ all: true, filters: { label }, abortSignal: signal });
    return list.filter(
      (c) => c.Labels?.[PROJECT_LABEL] === project && (!service || c.Labels[SERVICE_LABEL] === service),
    );
  }

  async function inspect(id: string, signal?: AbortSignal): Promise<Inspect> {
    const info = await docker.getContainer(id).inspect({ abortSignal: signal });
    if (info.Config?.Labels?.[PROJECT_LABEL] !== project) {
      // The label changed under us (re-created container): treat it as gone rather than act outside the project.
      throw userError('NOT_FOUND', `Container ${shortId(id)} is no longer part of compose project '${project}'`, {
        service: 'docker',
      });
    }
    return info;
  }

  /** Resolves a service name (or, failing that, a container name) to this project's containers. */
  async function resolve(service: string, signal?: AbortSignal): Promise<Docker.ContainerInfo[]> {
    checkId('service', service, 'docker');
    const all = await projectContainers(signal);
    const byService = all.filter((c) => c.Labels[SERVICE_LABEL] === service);
    if (byService.length > 0) return byService;
    const byName = all.filter((c) => c.Names.some((n) => n.replace(/^\//, '') === service));
    if (byName.length > 0) return byName;
    const known = [...new Set(all.map((c) => c.Labels[SERVICE_LABEL]).filter(Boolean))].sort();
    throw userError(
      'NOT_FOUND',
      `No service '${service}' in compose project '${project}'` +
        (known.length ? `; services: ${known.join(', ')}` : '; it has no containers'),
      { service: 'docker' },
    );
  }

  return {
    project,

    async ping(opts = {}) {
      return guard('ping', async () => {
        // The typings omit the options argument here; /version answers only when the engine is up, like /_ping.
        const v = await abortable(docker.version(), opts.signal);
        return { ok: true, apiVersion: v.ApiVersion };
      });
    },

    async listServices(opts = {}) {
      return guard('list containers', async () => {
        const list = await projectContainers(opts.signal);
        // One abort listener per inspect in flight: a stack of 11 services would trip Node's leak warning at 10.
        if (opts.signal) setMaxListeners(list.length + 10, opts.signal);
        const statuses = await Promise.all(
          list.map(async (c) => {
            try {
              return toStatus(await inspect(c.Id, opts.signal));
            } catch (err) {
              // Removed between list and inspect: it is simply no longer there.
              if (isGone(err)) return undefined;
              throw err;
            }
          }),
        );
        return statuses
          .filter((s): s is ServiceStatus => s !== undefined)
          .sort((a, b) => a.service.localeCompare(b.service) || a.containerName.localeCompare(b.containerName));
      });
    },

    async restart(service, opts: RestartOptions = {}) {
      return guard(`restart ${service}`, async () => {
        const containers = await resolve(service, opts.signal);
        const t = Math.min(10, Math.max(1, Math.round(opts.stopTimeoutSec ?? 10)));
        const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
        const started = Date.now();
        log?.info({ service, containers: containers.length, t }, 'restarting service');
        for (const c of containers) {
          await inspect(c.Id, opts.signal); // re-checks the project label right before acting
          await docker.getContainer(c.Id).restart({ t, abortSignal: opts.signal });
        }
        let last: ServiceStatus[] = [];
        for (;;) {
          last = await Promise.all(containers.map(async (c) => toStatus(await inspect(c.Id, opts.signal))));
          if (last.every(settled) || Date.now() >= deadline) break;
          await sleep(pollMs, undefined, { signal: opts.signal });
        }
        const worst = last.find((s) => !ready(s)) ?? (last[0] as ServiceStatus);
        const result: RestartResult = {
          service,
          tookMs: Date.now() - started,
          state: worst.state,
          health: worst.health,
        };
        log?.info({ ...result }, 'restarted service');
        return result;
      });
    },

    async tailLogs(service, q = {}, opts = {}) {
      return guard(`logs of ${service}`, async () => {
        const lines = Math.min(MAX_LINES, Math.max(1, Math.round(q.lines ?? 50)));
        const containers = await resolve(service, opts.signal);
        const out: LogLine[] = [];
        for (const c of containers) {
          const info = await inspect(c.Id, opts.signal);
          const buf = await docker.getContainer(c.Id).logs({
            follow: false,
            stdout: true,
            stderr: true,
            tail: lines,
            ...(q.sinceSec ? { since: Math.floor(Date.now() / 1000) - Math.round(q.sinceSec) } : {}),
            abortSignal: opts.signal,
          });
          const bytes = toBytes(buf);
          const parsed = info.Config?.Tty || !looksFramed(bytes) ? parsePlainLog(bytes) : parseLogFrames(bytes);
          out.push(...parsed);
        }
        const kept = out.slice(-lines);
        const masked = maskSecretLines(kept.map((l) => l.text));
        return kept.map((l, i) => ({ stream: l.stream, text: masked[i] ?? '' }));
      });
    },
  };
}

function toStatus(info: Inspect): ServiceStatus {
  const labels = info.Config?.Labels ?? {};
  const state = (STATES as readonly string[]).includes(info.State.Status)
    ? (info.State.Status as ServiceState)
    : 'dead';
  const rawHealth = info.State.Health?.Status ?? 'none';
  // A stopped container keeps its last probe result; it is not "healthy" while it does not run.
  const health: ServiceHealth =
    state === 'running' || state === 'restarting' || state === 'paused'
      ? (HEALTHS as readonly string[]).includes(rawHealth)
        ? (rawHealth as ServiceHealth)
        : 'none'
      : 'none';
  const startedAt = parseDockerDate(info.State.StartedAt);
  return {
    service: labels[SERVICE_LABEL] ?? info.Name.replace(/^\//, ''),
    containerId: info.Id,
    containerName: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? info.Image,
    state,
    health,
    ...(startedAt ? { startedAt } : {}),
    ...(state === 'exited' || state === 'dead' ? { exitCode: info.State.ExitCode } : {}),
    ...(state === 'exited' &&
    info.State.ExitCode === 0 &&
    ['no', ''].includes(info.HostConfig?.RestartPolicy?.Name ?? '')
      ? { completed: true as const }
      : {}),
    restartCount: info.RestartCount ?? 0,
  };
}

function ready(s: ServiceStatus): boolean {
  return s.state === 'running' && (s.health === 'healthy' || s.health === 'none');
}

/** Ready, or in a state that waiting longer will not fix. */
function settled(s: ServiceStatus): boolean {
  return ready(s) || s.state === 'exited' || s.state === 'dead' || s.health === 'unhealthy';
}

function parseDockerDate(s: string | undefined): Date | undefined {
  if (!s || s.startsWith('0001-01-01')) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function isGone(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string };
  return e?.statusCode === 404 || e?.code === 'NOT_FOUND';
}

function shortId(id: string): string {
  return id.slice(0, 12);
}

function toBytes(buf: unknown): Uint8Array {
  if (buf instanceof Uint8Array) return buf;
  if (typeof buf === 'string') return new TextEncoder().encode(buf);
  return new Uint8Array();
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
