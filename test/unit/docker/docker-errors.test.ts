import { describe, expect, it } from 'vitest';
import { toDockerError } from '../../../src/clients/docker/docker-errors.js';

const SOCK = 'unix:///tmp/mlops-docker/docker.sock';

function modemError(statusCode: number, message: string) {
  return Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });
}

describe('toDockerError', () => {
  it('names the socket and the fix when the engine does not answer', () => {
    const err = toDockerError(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }), SOCK, 'list containers');
    expect(err).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      service: 'docker',
      userMessage: `Docker at ${SOCK} is unreachable (ENOENT): is the engine running? Check DOCKER_HOST`,
    });
  });

  it('says the socket refused access on EACCES', () => {
    const err = toDockerError(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }), SOCK, 'ping');
    expect(err.code).toBe('UPSTREAM_AUTH');
    expect(err.userMessage).toContain('refused access to its socket');
  });

  it("maps 404 to NOT_FOUND with the engine's message", () => {
    const err = toDockerError(modemError(404, 'No such container: abc'), SOCK, 'logs of api');
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404, userMessage: 'Docker: No such container: abc' });
  });

  it('maps other statuses to UPSTREAM_REJECTED, and 502–504 to UPSTREAM_UNAVAILABLE', () => {
    expect(toDockerError(modemError(409, 'container is paused'), SOCK, 'restart api')).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      status: 409,
      userMessage: 'Docker answered 409 to restart api: container is paused',
    });
    expect(toDockerError(modemError(503, 'busy'), SOCK, 'ping').code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('reports an aborted call as a timeout', () => {
    const err = toDockerError(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      SOCK,
      'restart api',
    );
    expect(err).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      userMessage: 'Docker did not answer in time (restart api)',
    });
  });

  it('keeps anything unexpected INTERNAL, without a user message', () => {
    const err = toDockerError(new TypeError('boom'), SOCK, 'ping');
    expect(err.code).toBe('INTERNAL');
    expect(err.userMessage).toBeUndefined();
  });
});
