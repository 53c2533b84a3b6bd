// The private engine the Docker integration tests run against: scripts/docker-engine.sh starts it when it is not up.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';

const run = promisify(execFile);
const ENGINE_SCRIPT = fileURLToPath(new URL('../../scripts/docker-engine.sh', import.meta.url));

export const SCRIPT_SOCKET = '/tmp/mlops-docker/docker.sock';
export const TEST_IMAGE = 'local/busybox:test';

export interface TestEngine {
  dockerHost: string;
  docker: Docker;
}

function socketOf(dockerHost: string): string | undefined {
  if (dockerHost.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  return dockerHost.startsWith('/') ? dockerHost : undefined;
}

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** DOCKER_HOST if set (it must already answer), else the script's engine, started and given the busybox image. */
export async function ensureTestEngine(): Promise<TestEngine> {
  const fromEnv = process.env.DOCKER_HOST;
  const dockerHost = fromEnv && fromEnv !== '' ? fromEnv : `unix://${SCRIPT_SOCKET}`;
  const socketPath = socketOf(dockerHost);
  if (!socketPath) throw new Error(`The Docker tests need a unix socket DOCKER_HOST, not ${dockerHost}`);
  const docker = new Docker({ socketPath });
  if (socketPath === SCRIPT_SOCKET) {
    // Idempotent and quick when the engine is up: it also imports the busybox image if it is missing.
    await run('bash', [ENGINE_SCRIPT, 'up'], { timeout: 120_000 });
  }
  if (!(await answers(docker))) {
    throw new Error(`Docker is not answering on ${dockerHost}: run scripts/docker-engine.sh up (as root)`);
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    throw new Error(`${TEST_IMAGE} is missing on ${dockerHost}: run scripts/docker-engine.sh up to import it`);
  }
  return { dockerHost, docker };
}

export interface TestContainerSpec {
  name: string;
  project: string;
  service: string;
  script: string;
  /** A CMD-SHELL probe run every second; two failures make the container unhealthy. */
  healthcheck?: string;
}

/** A busybox container labelled like a compose v1 service, without any network, with tini as PID 1. */
export async function startTestContainer(docker: Docker, spec: TestContainerSpec): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name: spec.name,
    Image: TEST_IMAGE,
    Cmd: ['sh', '-c', spec.script],
    Labels: {
      'com.docker.compose.project': spec.project,
      'com.docker.compose.service': spec.service,
      'com.docker.compose.container-number': '1',
    },
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: ['CMD-SHELL', spec.healthcheck],
            Interval: 1_000_000_000,
            Timeout: 1_000_000_000,
            Retries: 2,
          },
        }
      : {}),
    HostConfig: { NetworkMode: 'none', Init: true },
  });
  await container.start();
  return container;
}

/** Removes every container of the given compose projects (left over from an earlier, interrupted run too). */
export async function removeProjects(docker: Docker, projects: readonly string[]): Promise<void> {
  for (const project of projects) {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  }
}

export async function startedAt(docker: Docker, id: string): Promise<string> {
  return (await docker.getContainer(id).inspect()).State.StartedAt;
}

/** Polls until the check holds; the Docker states under test change on 1 s healthcheck ticks. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command inside a running container and waits for it to finish; returns its exit code. */
export async function execIn(docker: Docker, id: string, cmd: string[]): Promise<number> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
  const info = await waitFor(
    `${cmd.join(' ')} to finish`,
    () => exec.inspect(),
    (i) => !i.Running,
    10_000,
  );
  return info.ExitCode ?? -1;
}
