import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/bot/clock.js';
import { createCore } from '../../../src/bot/core.js';
import { createLogger } from '../../../src/bot/logger.js';
import type { Message } from '../../../src/bot/message.js';
import { createRoles } from '../../../src/bot/permissions.js';
import { createRegistry } from '../../../src/bot/registry.js';
import type { Actor } from '../../../src/bot/types.js';
import type { Clients } from '../../../src/clients/clients.js';
import { dockerCommands } from '../../../src/commands/docker/index.js';
import { FakeStore } from '../../fakes/fake-store.js';
import { FakeDockerClient, serviceStatus } from '../../support/docker-fake.js';

const NOW = new Date('2026-11-26T09:00:00Z');
const clock: Clock = { now: () => NOW, sleep: async () => {} };
const admin: Actor = { platform: 'slack', userId: 'UADMIN', roleIds: [] };
const reader: Actor = { platform: 'slack', userId: 'UREAD', roleIds: [] };

/** A client nobody should call in these tests: any use fails loudly. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_t, prop) => {
      throw new Error(`${name}.${String(prop)} was not expected in a Docker command`);
    },
  });
}

function setup(docker: FakeDockerClient) {
  const store = new FakeStore();
  const clients: Clients = { airflow: unused('airflow'), mlflow: unused('mlflow'), docker };
  const core = createCore({
    registry: createRegistry(dockerCommands),
    services: { clients, store },
    store,
    roles: createRoles({ admins: ['slack:UADMIN'], operators: [], consoleRole: 'read' }),
    log: createLogger({ level: 'silent' }),
    timeoutMs: 5_000,
    clock,
  });
  const plan = (line: string, actor: Actor = admin) =>
    core.plan({
      id: 'inv_1',
      actor,
      via: 'slash',
      origin: { platform: 'slack', channelId: 'C1' },
      input: { kind: 'line', line },
    });
  const send = (line: string, actor?: Actor): Promise<Message> => plan(line, actor).run();
  return { plan, send, audits: store.entries };
}

const stack = () =>
  new FakeDockerClient('mlops', [
    serviceStatus({ service: 'airflow-scheduler', startedAt: new Date(NOW.getTime() - 3 * 60_000) }),
    serviceStatus({
      service: 'mlflow',
      health: 'unhealthy',
      restartCount: 2,
      startedAt: new Date(NOW.getTime() - 3_600_000),
    }),
    serviceStatus({ service: 'migrate', state: 'exited', health: 'none', exitCode: 3 }),
  ]);

describe('services', () => {
  it('shows each service with state, health, uptime and restarts, and offers logs and restart for broken ones', async () => {
    const { send } = setup(stack());
    const m = await send('services');
    expect(m.title).toBe('2 of 3 services need attention');
    expect(m.tone).toBe('error');
    expect(m.fields).toEqual([
      {
        label: '✓ airflow-scheduler',
        value: 'running · healthy · up 3 min\nlocal/airflow-scheduler:test',
        inline: true,
      },
      { label: '✗ mlflow', value: 'running · unhealthy · up 1 h · 2 restarts\nlocal/mlflow:test', inline: true },
      { label: '✗ migrate', value: 'exited (3)\nlocal/migrate:test', inline: true },
    ]);
    expect(m.actions?.map((a) => (a.kind === 'command' ? a.command : a.url))).toEqual([
      'service-logs mlflow',
      'restart mlflow',
      'service-logs migrate',
      'restart migrate',
    ]);
  });

  it('counts a one-shot that finished its job as done, not as a service needing attention', async () => {
    const { send } = setup(
      new FakeDockerClient('mlops', [
        serviceStatus({ service: 'mlflow', startedAt: new Date(NOW.getTime() - 60_000) }),
        serviceStatus({ service: 'db-init', state: 'exited', health: 'none', exitCode: 0, completed: true }),
      ]),
    );

    const m = await send('services');

    expect(m.title).toBe('2 services up');
    expect(m.tone).toBe('success');
    expect(m.fields?.map((f) => [f.label, f.value.split('\n')[0]])).toEqual([
      ['✓ mlflow', 'running · healthy · up 1 min'],
      ['✓ db-init', 'completed (exit 0)'],
    ]);
    expect(m.actions).toBeUndefined();
  });

  it('offers no restart button to someone who may not restart', async () => {
    const { send } = setup(stack());
    const m = await send('services', reader);
    expect(m.actions?.map((a) => a.label)).toEqual(['Logs mlflow', 'Logs migrate']);
  });

  it('says so when the project has no containers', async () => {
    const { send } = setup(new FakeDockerClient('mlops', []));
    expect((await send('services')).text).toBe('No containers in compose project `mlops`.');
  });
});

describe('restart', () => {
  it('asks for confirmation first, showing the current state, and restarts nothing yet', async () => {
    const docker = stack();
    const { plan } = setup(docker);
    const restart = plan('restart mlflow');
    const preview = await restart.run();
    expect(preview.title).toBe('Restart mlflow?');
    expect(preview.fields).toEqual([
      { label: 'mlops_mlflow_1', value: 'running · unhealthy · up 1 h · 2 restarts', inline: true },
    ]);
    expect(restart.confirmLine()).toBe('restart mlflow --yes');
    expect(docker.restarts).toEqual([]);
  });

  it('restarts on confirmation and reports how long it took', async () => {
    const docker = stack();
    const { send, audits } = setup(docker);
    const m = await send('restart mlflow stop_timeout=1 --yes');
    expect(m).toMatchObject({ title: 'mlflow restarted in 2 s', tone: 'success' });
    expect(m.fields).toContainEqual({ label: 'Took', value: '1.5 s', inline: true });
    expect(docker.restarts).toMatchObject([{ service: 'mlflow', opts: { stopTimeoutSec: 1 } }]);
    expect(audits).toMatchObject([{ verb: 'restart', outcome: 'ok', actor: 'slack:UADMIN' }]);
  });

  it('reports a service that did not come back healthy as an error with a logs button', async () => {
    const docker = stack();
    docker.afterRestart = { health: 'unhealthy', tookMs: 20_000 };
    const { send } = setup(docker);
    const m = await send('restart mlflow --yes');
    expect(m).toMatchObject({ title: 'mlflow restarted but is unhealthy after 20 s', tone: 'error' });
    expect(m.actions).toContainEqual({ kind: 'command', label: 'Logs', command: 'service-logs mlflow' });
  });

  it('refuses an unknown service in the preview, naming the known ones', async () => {
    const docker = stack();
    const { send } = setup(docker);
    const m = await send('restart postgres');
    expect(m.text).toBe(
      'No service `postgres` in compose project `mlops`; services: airflow-scheduler, migrate, mlflow.',
    );
    expect(docker.restarts).toEqual([]);
  });

  it('is denied to a reader and changes nothing', async () => {
    const docker = stack();
    const { send } = setup(docker);
    const m = await send('restart mlflow --yes', reader);
    expect(m.tone).toBe('warning');
    expect(m.text).toContain('`restart` needs the admin role');
    expect(docker.restarts).toEqual([]);
  });
});

describe('service-logs', () => {
  const logs = {
    mlflow: [
      { stream: 'stdout' as const, text: 'serving on 0.0.0.0:5000' },
      { stream: 'stderr' as const, text: 'WARNING: slow query' },
    ],
  };

  it('shows the tail with stderr lines marked, and passes lines and since to the client', async () => {
    const docker = new FakeDockerClient('mlops', [serviceStatus({ service: 'mlflow' })], logs);
    const { send } = setup(docker);
    const m = await send('service-logs mlflow --lines 20 --since 10m');
    expect(m.title).toBe('mlflow: last 2 lines from the last 10m');
    expect(m.code?.body).toBe('  serving on 0.0.0.0:5000\n! WARNING: slow query');
    expect(m.footer).toContain('1 from stderr');
    expect(docker.logQueries).toEqual([{ service: 'mlflow', lines: 20, sinceSec: 600 }]);
  });

  it('rejects a since that is not a duration', async () => {
    const docker = new FakeDockerClient('mlops', [serviceStatus({ service: 'mlflow' })], logs);
    const { send } = setup(docker);
    const m = await send('service-logs mlflow since=yesterday');
    expect(m.text).toContain('`since` must be a duration such as 10m or 2h');
    expect(docker.logQueries).toEqual([]);
  });

  it('rejects a service name with path characters before calling Docker', async () => {
    const docker = new FakeDockerClient('mlops', [serviceStatus({ service: 'mlflow' })], logs);
    const { send } = setup(docker);
    const m = await send('service-logs ../etc');
    expect(m.tone).toBe('warning');
    expect(docker.logQueries).toEqual([]);
  });
});
