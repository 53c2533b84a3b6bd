// The whole of docker-compose-mlops.yml on the test engine, driven through scripts/compose.sh as a user would run
// `npm run compose:up`: host-network variant (every listener on 127.0.0.1, ports moved by HOSTNET_PORT_OFFSET off the
// local stack's), stand-in images, and a private env file, DAG folder (dags/ plus test/dags/), logs folder and state.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { REPO_ROOT } from './docker-compose.js';

const run = promisify(execFile);

export const OFFSET = 10_000;
/** Published ports of docker-compose-mlops.yml's defaults, moved by OFFSET. */
export const PORTS = {
  airflow: 8082 + OFFSET,
  mlflow: 5000 + OFFSET,
  bot: 3000 + OFFSET,
  postgres: 5432 + OFFSET,
  s3: 8333 + OFFSET,
} as const;

export interface ScriptRun {
  code: number;
  output: string;
  ms: number;
}

export interface ContainerState {
  service: string;
  id: string;
  state: string;
  health: string;
  exitCode: number;
  restartPolicy: string;
  pid: number;
}

export interface ComposeStack {
  project: string;
  dir: string;
  envFile: string;
  logsDir: string;
  dockerHost: string;
  docker: Docker;
  env: Record<string, string>;
  /** scripts/compose.sh <args>, with the stack's environment. */
  script(...args: string[]): Promise<ScriptRun>;
  containers(): Promise<ContainerState[]>;
  /** `docker exec` in the service's container, as the image's user. */
  exec(service: string, cmd: string[], timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(service: string): Promise<string>;
}

function socketOf(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`the compose test needs a unix socket, not ${dockerHost}`);
  return dockerHost.slice('unix://'.length);
}

/** .env.example with `overrides` put in place of (or after) its lines: the file a user would end up with. */
export function envFromExample(overrides: Record<string, string>): string {
  const left = new Map(Object.entries(overrides));
  const lines = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => {
      const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
      if (!key || !left.has(key)) return line;
      const value = left.get(key) as string;
      left.delete(key);
      return `${key}=${value}`;
    });
  return `${lines.join('\n')}${[...left].map(([k, v]) => `${k}=${v}\n`).join('')}`;
}

export async function prepareStack(o: {
  dockerHost: string;
  project: string;
  settings: Record<string, string>;
}): Promise<ComposeStack> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-compose-'));
  const envFile = join(dir, '.env');
  const logsDir = join(dir, 'logs');
  const dagsDir = join(dir, 'dags');
  mkdirSync(logsDir);
  // The team's DAGs and the test DAGs in one folder, as the stack mounts a single DAG folder.
  const noCache = (src: string) => !src.includes('__pycache__');
  cpSync(join(REPO_ROOT, 'dags'), dagsDir, { recursive: true, filter: noCache });
  cpSync(join(REPO_ROOT, 'test', 'dags'), dagsDir, { recursive: true, filter: noCache });
  const socket = socketOf(o.dockerHost);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    DOCKER_HOST: o.dockerHost,
    HOSTNET_PORT_OFFSET: String(OFFSET),
    MLOPS_ENV_FILE: envFile,
    MLOPS_STATE_DIR: join(dir, 'state'),
    ...(process.env.MLOPS_CACHE ? { MLOPS_CACHE: process.env.MLOPS_CACHE } : {}),
  };
  const secrets = await run('bash', [join(REPO_ROOT, 'scripts/compose.sh'), 'secrets'], { env });
  const generated = Object.fromEntries(
    secrets.stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  writeFileSync(
    envFile,
    envFromExample({
      ...generated,
      COMPOSE_PROJECT_NAME: o.project,
      MLOPS_ENV_FILE: envFile,
      AIRFLOW_DAGS_DIR: dagsDir,
      AIRFLOW_LOGS_DIR: logsDir,
      DOCKER_SOCKET: socket,
      DOCKER_GID: String(statSync(socket).gid),
      AIRFLOW_UI_URL: `http://127.0.0.1:${PORTS.airflow}`,
      MLFLOW_UI_URL: `http://127.0.0.1:${PORTS.mlflow}`,
      ...o.settings,
    }),
    { mode: 0o600 },
  );
  const docker = new Docker({ socketPath: socket });

  const containers = async (): Promise<ContainerState[]> => {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${o.project}`] },
    });
    const out = await Promise.all(
      list.map(async (c) => {
        const i = await docker.getContainer(c.Id).inspect();
        return {
          service: i.Config.Labels['com.docker.compose.service'] ?? i.Name,
          id: i.Id,
          state: i.State.Status,
          health: i.State.Health?.Status ?? 'none',
          exitCode: i.State.ExitCode,
          restartPolicy: i.HostConfig.RestartPolicy?.Name ?? '',
          pid: i.State.Pid,
        };
      }),
    );
    return out.sort((a, b) => a.service.localeCompare(b.service));
  };

  const idOf = async (service: string): Promise<string> => {
    const c = (await containers()).find((s) => s.service === service && s.state === 'running');
    if (!c) throw new Error(`no running container for service ${service}`);
    return c.id;
  };

  return {
    project: o.project,
    dir,
    envFile,
    logsDir,
    dockerHost: o.dockerHost,
    docker,
    env: generated,
    async script(...args) {
      const t0 = Date.now();
      try {
        const r = await run('bash', [join(REPO_ROOT, 'scripts/compose.sh'), ...args], {
          env,
          cwd: REPO_ROOT,
          maxBuffer: 32 * 1024 * 1024,
          timeout: 60 * 60_000,
        });
        return { code: 0, output: `${r.stdout}${r.stderr}`, ms: Date.now() - t0 };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
        const output = `${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`;
        return { code: typeof e.code === 'number' ? e.code : 1, output, ms: Date.now() - t0 };
      }
    },
    containers,
    async exec(service, cmd, timeoutMs = 15 * 60_000) {
      const id = await idOf(service);
      try {
        const r = await run('docker', ['exec', id, ...cmd], {
          env: { PATH: env.PATH as string, DOCKER_HOST: o.dockerHost },
          maxBuffer: 16 * 1024 * 1024,
          timeout: timeoutMs,
        });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
    async logs(service) {
      const r = await run('docker', ['logs', await idOf(service)], {
        env: { PATH: env.PATH as string, DOCKER_HOST: o.dockerHost },
        maxBuffer: 64 * 1024 * 1024,
      });
      return `${r.stdout}${r.stderr}`;
    },
  };
}

/** Local addresses of the TCP listeners owned by processes inside the given containers (their init pids). */
export async function listenersOf(initPids: readonly number[]): Promise<string[]> {
  const { stdout } = await run('ss', ['-Hltnp']);
  const roots = new Set(initPids);
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    if (local && owners.some((p) => descendsFrom(p, roots))) out.push(local);
  }
  return out;
}

function parentOf(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

function descendsFrom(pid: number, roots: ReadonlySet<number>): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf(p), hops++) if (roots.has(p)) return true;
  return false;
}
