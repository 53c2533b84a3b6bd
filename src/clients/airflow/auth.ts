import type { InternalAxiosRequestConfig } from 'axios';
import { BotError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import type { Http } from '../http/create-http.js';
import { tokenSchema } from './airflow-schemas.js';

export interface TokenSource {
  /** A cached JWT, fetched on first use. */
  get(signal?: AbortSignal): Promise<string>;
  /** Forgets the token so the next `get` fetches a new one. */
  invalidate(): void;
  /** True when `err` came from fetching the token itself (renewing would fail the same way). */
  isTokenError(err: unknown): boolean;
}

/** Airflow 3: JWT from `POST /auth/token` at the server root (not under /api/v2). */
export function createTokenSource(deps: { root: Http; username: string; password: string; log?: Logger }): TokenSource {
  let pending: Promise<string> | undefined;
  const tokenErrors = new WeakSet<object>();

  async function fetchToken(): Promise<string> {
    deps.log?.debug({ user: deps.username }, 'fetching an Airflow API token');
    const body = await deps.root.send(tokenSchema, {
      method: 'POST',
      path: '/auth/token',
      body: { username: deps.username, password: deps.password },
    });
    return (body.access_token ?? body.jwt_token) as string;
  }

  return {
    get(signal) {
      if (!pending) {
        // Shared by concurrent callers, so one caller's abort must not cancel the fetch for the others.
        pending = fetchToken().catch((err: unknown) => {
          pending = undefined;
          if (err && typeof err === 'object') tokenErrors.add(err);
          throw err;
        });
      }
      return signal ? untilAborted(pending, signal) : pending;
    },
    invalidate() {
      pending = undefined;
    },
    isTokenError: (err) => !!err && typeof err === 'object' && tokenErrors.has(err),
  };
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function cancelled(): BotError {
  const m = 'Airflow call was cancelled while logging in.';
  return new BotError('UPSTREAM_UNAVAILABLE', m, { service: 'airflow', userMessage: m });
}

export function bearerAuth(tokens: TokenSource) {
  return async (req: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    const token = await tokens.get(req.signal as AbortSignal | undefined);
    req.headers.set('Authorization', `Bearer ${token}`);
    return req;
  };
}

const rejectedTokens = new WeakSet<object>();

/**
 * Airflow 3.2 answers a bad or expired JWT with 403 `{"detail": "Invalid JWT token"}` (only a missing header gets 401),
 * so that 403 must also trigger a renewal. The `mapError` of the Airflow 3 dialect.
 */
export function mapTokenRejection(status: number, data: unknown): BotError | undefined {
  const detail = data && typeof data === 'object' ? (data as { detail?: unknown }).detail : undefined;
  if (status !== 403 || typeof detail !== 'string' || !/\b(jwt|token)\b/i.test(detail)) return undefined;
  const m =
    "Airflow rejected the bot's API token (HTTP 403): check AIRFLOW_USERNAME and AIRFLOW_PASSWORD, and that all " +
    'Airflow components share one [api_auth] jwt_secret.';
  const err = new BotError('UPSTREAM_AUTH', m, { service: 'airflow', status, userMessage: m });
  rejectedTokens.add(err);
  return err;
}

/** True for a 401, or a 403 that blames the token: both mean "log in again". */
export function isTokenRejection(err: unknown): boolean {
  if (!(err instanceof BotError)) return false;
  return err.status === 401 || rejectedTokens.has(err);
}
