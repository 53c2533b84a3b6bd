import { describe, expect, it } from 'vitest';
import { userError } from '../../../src/bot/errors.js';
import { containersSection } from '../../../src/commands/docker/containers-section.js';
import { FakeDockerClient, serviceStatus } from '../../support/docker-fake.js';

const signal = new AbortController().signal;

describe('containersSection (the containers part of status)', () => {
  it('counts services up and names the broken and starting ones', async () => {
    const docker = new FakeDockerClient('mlops', [
      serviceStatus({ service: 'postgres' }),
      serviceStatus({ service: 'mlflow', health: 'unhealthy' }),
      serviceStatus({ service: 'airflow-init', state: 'exited', health: 'none', exitCode: 1 }),
      serviceStatus({ service: 'bot', health: 'starting' }),
    ]);
    expect(await containersSection(docker, signal)).toEqual({
      ok: false,
      fields: [
        {
          label: 'Containers',
          value: '1/4 up · starting: bot · down: mlflow (unhealthy), airflow-init (exited)',
          inline: true,
        },
      ],
    });
  });

  it('is ok when every service is up', async () => {
    const docker = new FakeDockerClient('mlops', [serviceStatus({ service: 'redis', health: 'none' })]);
    expect((await containersSection(docker, signal)).ok).toBe(true);
  });

  it("reports Docker's own error instead of failing the whole status", async () => {
    const docker = new FakeDockerClient('mlops', []);
    docker.listServices = async () => {
      throw userError('UPSTREAM_UNAVAILABLE', 'Docker at unix:///var/run/docker.sock is unreachable (ENOENT)');
    };
    expect(await containersSection(docker, signal)).toEqual({
      ok: false,
      fields: [{ label: 'Containers', value: 'Docker at unix:///var/run/docker.sock is unreachable (ENOENT)' }],
    });
  });
});
