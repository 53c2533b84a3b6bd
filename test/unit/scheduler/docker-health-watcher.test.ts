import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DockerClient, ServiceStatus } from '../../../src/clients/docker/types.js';
import { createDockerHealthWatcher } from '../../../src/scheduler/watchers/docker-health.js';

class FakeDocker implements Pick<DockerClient, 'project' | 'listServices' | 'tailLogs'> {
  readonly project = 'mlops';
  services = new Map<string, ServiceStatus>();
  set(service: string, patch: Partial<ServiceStatus>): void {
    const base: ServiceStatus = {
      service,
      containerId: `id-${service}`,
      containerName: `mlops-${service}-1`,
      image: 'local/busybox:test',
      state: 'running',
      health: 'healthy',
      restartCount: 0,
    };
    this.services.set(service, { ...(this.services.get(service) ?? base), ...patch });
  }
  async listServices() {
    return [...this.services.values()];
  }
  async tailLogs() {
    return [
      { stream: 'stdout' as const, text: 'serving' },
      { stream: 'stderr' as const, text: 'health probe failed: connection refused' },
    ];
  }
}

const log = pino({ level: 'silent' });
const signal = new AbortController().signal;
const at = (s: number) => new Date(Date.parse('2026-11-26T10:00:00Z') + s * 1000);

describe('the container health watcher', () => {
  it('opens one card for an unhealthy service with its last log lines, and edits it when healthy again', async () => {
    const docker = new FakeDocker();
    docker.set('mlflow', {});
    const w = createDockerHealthWatcher({ docker });
    let out = await w.check({ now: at(0), log, signal });
    expect(out.alerts).toEqual([]);

    docker.set('mlflow', { health: 'unhealthy' });
    out = await w.check({ cursor: out.cursor, now: at(30), log, signal });
    expect(out.alerts.map((a) => a.kind)).toEqual(['open']);
    expect(out.alerts[0]?.message.title).toBe('mlflow is unhealthy');
    expect(out.alerts[0]?.message.code?.body).toContain('! health probe failed');
    const key = out.alerts[0]?.key;

    out = await w.check({ cursor: out.cursor, now: at(60), log, signal });
    expect(out.alerts).toEqual([]);

    docker.set('mlflow', { health: 'healthy' });
    out = await w.check({ cursor: out.cursor, now: at(400), log, signal });
    expect(out.alerts.map((a) => [a.kind, a.key])).toEqual([['resolve', key]]);
    expect(out.alerts[0]?.message.text).toContain('Was unhealthy for about 6 min');
  });

  it('opens no card for a one-shot that finished its job', async () => {
    const docker = new FakeDocker();
    docker.set('airflow-init', { state: 'exited', exitCode: 0, health: 'none', completed: true });
    const w = createDockerHealthWatcher({ docker });

    const out = await w.check({ now: at(0), log, signal });

    expect(out.alerts).toEqual([]);
  });

  it('calls an exited service and a restart loop by their names', async () => {
    const docker = new FakeDocker();
    docker.set('worker', {});
    docker.set('api', {});
    const w = createDockerHealthWatcher({ docker });
    let out = await w.check({ now: at(0), log, signal });
    docker.set('worker', { state: 'exited', exitCode: 3, health: 'none' });
    docker.set('api', { restartCount: 4 });
    out = await w.check({ cursor: out.cursor, now: at(30), log, signal });
    expect(out.alerts.map((a) => a.message.title).sort()).toEqual(['api is restart-looping', 'worker has exited']);
  });
});
