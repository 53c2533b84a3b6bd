// DockerClient against a real dockerd (scripts/docker-engine.sh): busybox containers labelled as compose services.
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/clients/docker/docker-client.js';
import type { DockerClient } from '../../src/clients/docker/types.js';
import {
  ensureTestEngine,
  removeProjects,
  startedAt,
  startTestContainer,
  TEST_IMAGE,
  waitFor,
} from '../support/docker-engine.js';

const PROJECT = 'mlops_it';
const OTHER = 'mlops_it_other';
const run = Date.now().toString(36);
const SECRET = `hunter2-${run}`;

let docker: Docker;
let dockerHost: string;
let client: DockerClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ docker, dockerHost } = await ensureTestEngine());
  await removeProjects(docker, [PROJECT, OTHER]);
  const loop = 'while true; do echo tick; sleep 1; done';
  const specs = [
    {
      key: 'web',
      project: PROJECT,
      service: 'web',
      healthcheck: 'test -f /tmp/ready',
      script: `echo "hello from stdout"; echo "warning on stderr" >&2; echo "connecting with password=${SECRET}"; touch /tmp/ready; ${loop}`,
    },
    {
      key: 'worker',
      project: PROJECT,
      service: 'worker',
      healthcheck: 'test -f /tmp/ok',
      script: `touch /tmp/ok; sleep 3; rm /tmp/ok; echo "lost the queue" >&2; ${loop}`,
    },
    { key: 'migrate', project: PROJECT, service: 'migrate', script: 'echo "migrations applied"; exit 3' },
    { key: 'cache', project: PROJECT, service: 'cache', script: loop },
    { key: 'otherWeb', project: OTHER, service: 'web', healthcheck: 'true', script: loop },
  ];
  for (const s of specs) {
    const c = await startTestContainer(docker, { ...s, name: `${s.project}_${s.service}_${run}` });
    ids[s.key] = c.id;
  }
  client = createDockerClient({ dockerHost, project: PROJECT, pollMs: 100 });
  // The states under test: healthy, turned unhealthy (after 3 s), exited.
  await waitFor(
    'web healthy, worker unhealthy, migrate exited',
    () => client.listServices(),
    (list) => {
      const by = Object.fromEntries(list.map((s) => [s.service, s]));
      return by.web?.health === 'healthy' && by.worker?.health === 'unhealthy' && by.migrate?.state === 'exited';
    },
  );
});

afterAll(async () => {
  if (docker) await removeProjects(docker, [PROJECT, OTHER]);
});

describe('DockerClient on a real engine', () => {
  it('answers ping with the engine API version', async () => {
    const pong = await client.ping();
    expect(pong.ok).toBe(true);
    expect(pong.apiVersion).toMatch(/^1\.\d+$/);
  });

  it('lists only the services of its compose project, with state, health, exit code and image', async () => {
    const list = await client.listServices();
    expect(list.map((s) => s.service)).toEqual(['cache', 'migrate', 'web', 'worker']);
    expect(list.map((s) => s.containerId)).not.toContain(ids.otherWeb);
    const by = Object.fromEntries(list.map((s) => [s.service, s]));
    expect(by.web).toMatchObject({ state: 'running', health: 'healthy', image: TEST_IMAGE, restartCount: 0 });
    expect(by.worker).toMatchObject({ state: 'running', health: 'unhealthy' });
    expect(by.migrate).toMatchObject({ state: 'exited', health: 'none', exitCode: 3 });
    expect(by.cache).toMatchObject({ state: 'running', health: 'none' });
    expect(by.web?.startedAt).toBeInstanceOf(Date);
    expect(Date.now() - (by.web?.startedAt?.getTime() ?? 0)).toBeLessThan(120_000);
    expect(by.web?.containerName).toBe(`${PROJECT}_web_${run}`);
  });

  it("refuses to restart another project's container by name and leaves it running as it was", async () => {
    const before = await startedAt(docker, ids.otherWeb as string);
    await expect(client.restart(`${OTHER}_web_${run}`, { stopTimeoutSec: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringContaining(`No service '${OTHER}_web_${run}' in compose project '${PROJECT}'`),
    });
    expect(await startedAt(docker, ids.otherWeb as string)).toBe(before);
  });

  it('refuses an unknown service, naming the ones it knows, and restarts nothing', async () => {
    const before = await Promise.all(Object.values(ids).map((id) => startedAt(docker, id)));
    await expect(client.restart('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: `No service 'nope' in compose project '${PROJECT}'; services: cache, migrate, web, worker`,
    });
    await expect(client.restart('../containers/x')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    expect(await Promise.all(Object.values(ids).map((id) => startedAt(docker, id)))).toEqual(before);
  });

  it('restarts a service, waits until it is healthy again and reports how long it took', async () => {
    const before = await startedAt(docker, ids.web as string);
    const otherBefore = await startedAt(docker, ids.otherWeb as string);
    const result = await client.restart('web', { stopTimeoutSec: 1, timeoutMs: 30_000 });
    expect(result).toMatchObject({ service: 'web', state: 'running', health: 'healthy' });
    // tini stops the shell at once; the first probe runs about 1 s after the start.
    expect(result.tookMs).toBeGreaterThan(200);
    expect(result.tookMs).toBeLessThan(15_000);
    expect(await startedAt(docker, ids.web as string)).not.toBe(before);
    // The other project's service of the same name was not touched.
    expect(await startedAt(docker, ids.otherWeb as string)).toBe(otherBefore);
  });

  it('restarts a service without a healthcheck and waits only until it runs', async () => {
    const result = await client.restart('cache', { stopTimeoutSec: 1 });
    expect(result).toMatchObject({ service: 'cache', state: 'running', health: 'none' });
    expect(result.tookMs).toBeLessThan(5_000);
  });

  it('tails stdout and stderr demultiplexed, with the planted secret masked', async () => {
    const lines = await client.tailLogs('web', { lines: 200 });
    expect(lines).toContainEqual({ stream: 'stdout', text: 'hello from stdout' });
    expect(lines).toContainEqual({ stream: 'stderr', text: 'warning on stderr' });
    expect(lines).toContainEqual({ stream: 'stdout', text: 'connecting with password=****' });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(lines.every((l) => !l.text.includes('\u0000'))).toBe(true);
  });

  it('returns at most the requested number of lines, the newest last', async () => {
    const lines = await client.tailLogs('migrate', { lines: 1 });
    expect(lines).toEqual([{ stream: 'stdout', text: 'migrations applied' }]);
    const recent = await client.tailLogs('worker', { lines: 5, sinceSec: 600 });
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThanOrEqual(5);
  });

  it("will not read another project's logs", async () => {
    await expect(client.tailLogs(`${OTHER}_web_${run}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says which engine is unreachable when the socket does not answer', async () => {
    const gone = createDockerClient({ dockerHost: 'unix:///tmp/mlops-docker/absent.sock', project: PROJECT });
    await expect(gone.listServices()).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      userMessage: expect.stringContaining('Docker at unix:///tmp/mlops-docker/absent.sock is unreachable'),
    });
  });
});
