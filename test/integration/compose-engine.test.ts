// Containers made by Debian's docker-compose 1.29 (v1 names: project_service_1) on the private engine, seen and
// restarted by the DockerClient through their labels. No network is created: every service uses network_mode none.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/clients/docker/docker-client.js';
import { compose, envFile } from '../support/docker-compose.js';
import { ensureTestEngine, removeProjects, TEST_IMAGE, waitFor } from '../support/docker-engine.js';

const PROJECT = 'mlops_itc';
const STACK = `
services:
  api:
    image: ${TEST_IMAGE}
    network_mode: none
    init: true
    command: ["sh", "-c", "echo api up; echo 'api key token=tok-123456' >&2; touch /tmp/ready; while true; do sleep 1; done"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 2
  job:
    image: ${TEST_IMAGE}
    network_mode: none
    command: ["sh", "-c", "echo job done; exit 0"]
`;

let docker: Docker;
let dockerHost: string;
let file: string;
let env: string;

beforeAll(async () => {
  ({ docker, dockerHost } = await ensureTestEngine());
  await removeProjects(docker, [PROJECT]);
  env = envFile();
  file = join(dirname(env), 'stack.yml');
  writeFileSync(file, STACK);
  const up = await compose([file], env, '-p', PROJECT, 'up', '-d', { dockerHost });
  if (up.code !== 0) throw new Error(`docker-compose up failed: ${up.stderr}`);
});

afterAll(async () => {
  if (!docker) return;
  await compose([file], env, '-p', PROJECT, 'down', '--timeout', '1', { dockerHost });
  await removeProjects(docker, [PROJECT]);
});

describe('a docker-compose v1 project on the real engine', () => {
  it('creates no network (no bridge, no iptables rules on the host)', async () => {
    const names = (await docker.listNetworks()).map((n) => n.Name).sort();
    expect(names).toEqual(['host', 'none']);
  });

  it('is listed by service label, whatever the container naming scheme', async () => {
    const client = createDockerClient({ dockerHost, project: PROJECT, pollMs: 100 });
    const list = await waitFor(
      'api healthy and job exited',
      () => client.listServices(),
      (l) => l.some((s) => s.service === 'api' && s.health === 'healthy') && l.some((s) => s.state === 'exited'),
    );
    expect(list.map((s) => [s.service, s.containerName, s.state, s.health, s.exitCode, s.completed])).toEqual([
      ['api', `${PROJECT}_api_1`, 'running', 'healthy', undefined, undefined],
      ['job', `${PROJECT}_job_1`, 'exited', 'none', 0, true],
    ]);
  });

  it('is restarted by the client and shows up as restarted to docker-compose too', async () => {
    const client = createDockerClient({ dockerHost, project: PROJECT, pollMs: 100 });
    const before = (await docker.getContainer(`${PROJECT}_api_1`).inspect()).State.StartedAt;
    const r = await client.restart('api', { stopTimeoutSec: 1 });
    expect(r).toMatchObject({ state: 'running', health: 'healthy' });
    expect((await docker.getContainer(`${PROJECT}_api_1`).inspect()).State.StartedAt).not.toBe(before);
    const ps = await compose([file], env, '-p', PROJECT, 'ps', { dockerHost });
    expect(ps.stdout).toMatch(new RegExp(`${PROJECT}_api_1 .*Up`));
  });

  it('has its logs read demultiplexed and masked', async () => {
    const client = createDockerClient({ dockerHost, project: PROJECT });
    const lines = await client.tailLogs('api', { lines: 10 });
    expect(lines).toContainEqual({ stream: 'stdout', text: 'api up' });
    expect(lines).toContainEqual({ stream: 'stderr', text: 'api key token=****' });
  });
});
