import { BotError, userError } from '../../bot/errors.js';

interface ModemError {
  statusCode?: number;
  code?: string;
  name?: string;
  json?: { message?: unknown } | null;
  reason?: string;
  message?: string;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** Maps a dockerode/docker-modem failure to a coded BotError whose message says what to do. */
export function toDockerError(err: unknown, endpoint: string, what: string): BotError {
  if (err instanceof BotError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ModemError;
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.code === 'ABORT_ERR') {
    return userError('UPSTREAM_UNAVAILABLE', `Docker did not answer in time (${what})`, {
      service: 'docker',
      cause: err,
    });
  }
  if (e.code === 'EACCES') {
    return userError(
      'UPSTREAM_AUTH',
      `Docker at ${endpoint} refused access to its socket: run the bot as a user allowed to use it`,
      { service: 'docker', cause: err },
    );
  }
  if (e.code && UNREACHABLE.has(e.code)) {
    return userError(
      'UPSTREAM_UNAVAILABLE',
      `Docker at ${endpoint} is unreachable (${e.code}): is the engine running? Check DOCKER_HOST`,
      { service: 'docker', cause: err },
    );
  }
  if (typeof e.statusCode === 'number') {
    const detail = typeof e.json?.message === 'string' ? e.json.message : (e.reason ?? 'error');
    if (e.statusCode === 404) {
      return userError('NOT_FOUND', `Docker: ${detail}`, { service: 'docker', status: 404, cause: err });
    }
    const code = e.statusCode >= 502 && e.statusCode <= 504 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED';
    return userError(code, `Docker answered ${e.statusCode} to ${what}: ${detail}`, {
      service: 'docker',
      status: e.statusCode,
      cause: err,
    });
  }
  if (e.message && /timeout/i.test(e.message)) {
    return userError('UPSTREAM_UNAVAILABLE', `Docker at ${endpoint} timed out (${what})`, {
      service: 'docker',
      cause: err,
    });
  }
  return new BotError('INTERNAL', `Docker ${what} failed: ${e.message ?? String(err)}`, {
    service: 'docker',
    cause: err,
  });
}
