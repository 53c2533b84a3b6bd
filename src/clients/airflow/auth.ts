import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { Logger } from '../../bot/logger.js';
import { send } from './request.js';
import { tokenSchema } from './schemas.js';

export interface TokenSource {
  /** A cached JWT, fetched on first use. */
  get(signal?: AbortSignal): Promise<string>;
  /** Forgets the token so the next `get` fetches a new one. */
  invalidate(): void;
  /** True when `err` came from fetching the token itself (renewing would fail the same way). */
  isTokenError(err: unknown): boolean;
}

/** Airflow 3: JWT from `POST /auth/token` at the server root (not under /api/v2). */
export function createTokenSource(deps: {
  root: AxiosInstance;
  username: string;
  password: string;
  log?: Logger;
}): TokenSource {
  let pending: Promise<string> | undefined;
  const tokenErrors = new WeakSet<object>();

  async function fetchToken(signal?: AbortSignal): Promise<string> {
    deps.log?.debug({ user: deps.username }, 'fetching an Airflow API token');
    const body = await send(deps.root, tokenSchema, {
      method: 'POST',
      url: '/auth/token',
      data: { username: deps.username, password: deps.password },
      headers: { 'Content-Type': 'application/json' },
      signal,
    });
    return (body.access_token ?? body.jwt_token) as string;
  }

  return {
    get(signal) {
      if (!pending) {
        pending = fetchToken(signal).catch((err: unknown) => {
          pending = undefined;
          if (err && typeof err === 'object') tokenErrors.add(err);
          throw err;
        });
      }
      return pending;
    },
    invalidate() {
      pending = undefined;
    },
    isTokenError: (err) => !!err && typeof err === 'object' && tokenErrors.has(err),
  };
}

export function bearerAuth(tokens: TokenSource) {
  return async (req: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    const token = await tokens.get(req.signal as AbortSignal | undefined);
    req.headers.set('Authorization', `Bearer ${token}`);
    return req;
  };
}

/** Airflow 2: HTTP Basic (the `basic_auth` API backend must be enabled on the server). */
export function basicAuth(username: string, password: string) {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return (req: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    req.headers.set('Authorization', value);
    return req;
  };
}
