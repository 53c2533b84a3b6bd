// The container watcher on the real engine, through the scheduler, a SQLite store and a recording chat adapter:
// a service turning unhealthy opens one card (with masked log lines); healthy again edits that same card.
import type Docker from 'dockerode';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/bot/message.js';
import type { ChatAdapter, Destination, PostedRef } from '../../src/bot/types.js';
import { createDockerClient } from '../../src/clients/docker/docker-client.js';
import type { DockerClient } from '../../src/clients/docker/types.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/scheduler.js';
import { createDockerHealthWatcher } from '../../src/scheduler/watchers/docker-health.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { ensureTestEngine, execIn, removeProjects, startTestContainer, waitFor } from '../support/docker-engine.js';

const PROJECT = 'mlops_itw';
const OPS: Destination = { platform: 'slack', channelId: 'COPS' };
const run = Date.now().toString(36);

class RecordingAdapter implements Pick<ChatAdapter, 'post' | 'update'> {
  readonly posts: { to: Destination; message: Message; ref: PostedRef }[] = [];
  readonly updates: { ref: PostedRef; message: Message }[] = [];
  async post(to: Destination, message: Message): Promise<PostedRef> {
    const ref = { platform: to.platform, channelId: to.channelId, messageId: `m${this.posts.length + 1}` };
    this.posts.push({ to, message, ref });
    return ref;
  }
  async update(ref: PostedRef, message: Message): Promise<void> {
    this.updates.push({ ref, message });
  }
}

let docker: Docker;
let client: DockerClient;
let store: Store;
let scheduler: Scheduler;
let apiId: string;
const chat = new RecordingAdapter();

async function health(): Promise<string | undefined> {
  return (await client.listServices()).find((s) => s.service === 'api')?.health;
}

beforeAll(async () => {
  let dockerHost: string;
  ({ docker, dockerHost } = await ensureTestEngine());
  await removeProjects(docker, [PROJECT]);
  const api = await startTestContainer(docker, {
    name: `${PROJECT}_api_${run}`,
    project: PROJECT,
    service: 'api',
    healthcheck: 'test -f /tmp/ready',
    script:
      'echo "api started"; echo "db url postgresql://api:hunter2@db/api" >&2; touch /tmp/ready; while true; do sleep 1; done',
  });
  apiId = api.id;
  client = createDockerClient({ dockerHost, project: PROJECT });
  await waitFor('api healthy', health, (h) => h === 'healthy');
  store = createSqliteStore({ path: ':memory:' });
  await store.subscribe({ dest: OPS, topic: 'docker.health', filter: {}, createdBy: 'slack:UADMIN' });
  scheduler = createScheduler({
    watchers: [createDockerHealthWatcher({ docker: client })],
    store,
    adapters: new Map([['slack', chat]]),
    defaults: [],
    log: pino({ level: 'silent' }),
    intervalSec: 30,
  });
});

afterAll(async () => {
  await scheduler?.stop();
  await store?.close();
  if (docker) await removeProjects(docker, [PROJECT]);
});

describe('container watcher on a real engine', () => {
  it('stays quiet while the service is healthy', async () => {
    await scheduler.runOnce('docker-health');
    expect(chat.posts).toEqual([]);
  });

  it('opens one card with the last log lines, secrets masked, when the service turns unhealthy', async () => {
    expect(await execIn(docker, apiId, ['rm', '-f', '/tmp/ready'])).toBe(0);
    await waitFor('api unhealthy', health, (h) => h === 'unhealthy');
    await scheduler.runOnce('docker-health');
    await scheduler.runOnce('docker-health');
    expect(chat.posts).toHaveLength(1);
    const card = chat.posts[0];
    expect(card?.to).toEqual(OPS);
    expect(card?.message.tone).toBe('error');
    expect(card?.message.fields).toContainEqual({ label: 'Health', value: 'unhealthy', inline: true });
    expect(card?.message.code?.body).toContain('api started');
    expect(card?.message.code?.body).toContain('! db url postgresql://api:****@db/api');
    expect(JSON.stringify(card?.message)).not.toContain('hunter2');
  });

  it('edits that card when the service is healthy again', async () => {
    expect(await execIn(docker, apiId, ['touch', '/tmp/ready'])).toBe(0);
    await waitFor('api healthy again', health, (h) => h === 'healthy');
    await scheduler.runOnce('docker-health');
    expect(chat.posts).toHaveLength(1);
    expect(chat.updates).toHaveLength(1);
    expect(chat.updates[0]?.ref).toEqual(chat.posts[0]?.ref);
    expect(chat.updates[0]?.message).toMatchObject({ title: 'api recovered', tone: 'success' });
  });
});
