// The Docker verbs end to end through the core: typed line -> command -> DockerClient -> the real engine.
import type Docker from 'dockerode';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../src/bot/core.js';
import type { Message } from '../../src/bot/message.js';
import { createRoles } from '../../src/bot/permissions.js';
import { createRegistry } from '../../src/bot/registry.js';
import type { Actor } from '../../src/bot/types.js';
import { createDockerClient } from '../../src/clients/docker/docker-client.js';
import { dockerCommands } from '../../src/commands/docker/index.js';
import { FakeAirflow } from '../fakes/fake-airflow.js';
import { FakeMlflow } from '../fakes/fake-mlflow.js';
import { FakeStore } from '../fakes/fake-store.js';
import { buttonLine } from '../fakes/test-core.js';
import { ensureTestEngine, removeProjects, startedAt, startTestContainer, waitFor } from '../support/docker-engine.js';

const PROJECT = 'mlops_itcmd';
const OTHER = 'mlops_itcmd_other';
const run = Date.now().toString(36);
const admin: Actor = { platform: 'slack', userId: 'UADMIN', roleIds: [] };

let docker: Docker;
let core: Core;
const ids: Record<string, string> = {};

const plan = (line: string) =>
  core.plan({
    id: `inv_${line.length}`,
    actor: admin,
    via: 'slash',
    origin: { platform: 'slack', channelId: 'C1' },
    input: { kind: 'line', line },
  });
const send = (line: string): Promise<Message> => plan(line).run();

beforeAll(async () => {
  let dockerHost: string;
  ({ docker, dockerHost } = await ensureTestEngine());
  await removeProjects(docker, [PROJECT, OTHER]);
  const loop = 'while true; do sleep 1; done';
  for (const [key, project, service, script, healthcheck] of [
    ['web', PROJECT, 'web', `echo ready; echo "token=tok-${run}" >&2; touch /tmp/ok; ${loop}`, 'test -f /tmp/ok'],
    ['job', PROJECT, 'job', 'echo failed >&2; exit 2', undefined],
    ['other', OTHER, 'db', loop, undefined],
  ] as const) {
    const c = await startTestContainer(docker, {
      name: `${project}_${service}_${run}`,
      project,
      service,
      script,
      healthcheck,
    });
    ids[key] = c.id;
  }
  const client = createDockerClient({ dockerHost, project: PROJECT, pollMs: 100 });
  await waitFor(
    'web healthy',
    () => client.listServices(),
    (l) => l.some((s) => s.health === 'healthy'),
  );
  const store = new FakeStore();
  core = createCore({
    registry: createRegistry(dockerCommands),
    services: { clients: { airflow: new FakeAirflow(), mlflow: new FakeMlflow(), docker: client }, store },
    store,
    roles: createRoles({ admins: ['slack:UADMIN'], operators: [], consoleRole: 'read' }),
    log: pino({ level: 'silent' }),
    timeoutMs: 30_000,
  });
});

afterAll(async () => {
  if (docker) await removeProjects(docker, [PROJECT, OTHER]);
});

describe('Docker verbs against a real engine', () => {
  it('services: lists this project only, flags the exited job', async () => {
    const m = await send('services');
    expect(m.title).toBe('1 of 2 services need attention');
    expect(m.fields?.map((f) => f.label)).toEqual(['✗ job', '✓ web']);
    expect(m.fields?.[0]?.value).toContain('exited (2)');
    expect(JSON.stringify(m)).not.toContain(OTHER);
  });

  it('restart: previews, then restarts on the confirm line and reports the time it took', async () => {
    const before = await startedAt(docker, ids.web as string);
    const restart = plan('restart web stop_timeout=1');
    const preview = await restart.run();
    expect(preview.title).toBe('Restart web?');
    expect(await startedAt(docker, ids.web as string)).toBe(before);
    expect(restart.confirmLine()).toBe('restart web stop_timeout=1 --yes');
    const done = await send(buttonLine(preview, 'Confirm'));
    expect(done.tone).toBe('success');
    expect(done.title).toMatch(/^web restarted in \d+ s$/);
    expect(done.fields).toContainEqual({ label: 'Now', value: 'running · healthy', inline: true });
    expect(await startedAt(docker, ids.web as string)).not.toBe(before);
  });

  it("restart: refuses the other project's service and leaves it alone", async () => {
    const before = await startedAt(docker, ids.other as string);
    const m = await send('restart db --yes');
    expect(m.tone).toBe('error');
    expect(m.text).toBe(`No service 'db' in compose project '${PROJECT}'; services: job, web`);
    expect(await startedAt(docker, ids.other as string)).toBe(before);
  });

  it('service-logs: both streams, stderr marked, the token masked', async () => {
    const m = await send('service-logs web --lines 20');
    expect(m.code?.body).toContain('  ready');
    expect(m.code?.body).toContain('! token=****');
    expect(JSON.stringify(m)).not.toContain(`tok-${run}`);
  });
});
