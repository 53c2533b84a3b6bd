import { describe, expect, it } from 'vitest';
import { parseDockerHost } from '../../../src/clients/docker/docker-host.js';

describe('parseDockerHost', () => {
  it('defaults to the local socket', () => {
    expect(parseDockerHost()).toEqual({
      kind: 'socket',
      socketPath: '/var/run/docker.sock',
      label: 'unix:///var/run/docker.sock',
    });
  });

  it('reads unix:// and bare socket paths', () => {
    expect(parseDockerHost('unix:///tmp/mlops-docker/docker.sock')).toMatchObject({
      kind: 'socket',
      socketPath: '/tmp/mlops-docker/docker.sock',
    });
    expect(parseDockerHost('/run/d.sock')).toMatchObject({ kind: 'socket', socketPath: '/run/d.sock' });
  });

  it('reads tcp:// as plain HTTP and https:// as TLS', () => {
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toMatchObject({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
      protocol: 'http',
    });
    expect(parseDockerHost('https://docker.internal:2376')).toMatchObject({ protocol: 'https', port: 2376 });
  });

  it('answers CONFIG_INVALID with the expected forms for anything else', () => {
    expect(() => parseDockerHost('ssh://me@host')).toThrow(/unix:\/\/\/path\/to\/docker.sock or tcp:\/\/host:port/);
    expect(() => parseDockerHost('unix://relative.sock')).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
