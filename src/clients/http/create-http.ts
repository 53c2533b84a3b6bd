import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import type { Logger } from '../../bot/logger.js';
import { type HttpRequest, send, sendRaw } from './send.js';
import type { Upstream } from './upstream-error.js';

export interface HttpOptions extends Upstream {
  /** Adds credentials to each request (Basic or Bearer). */
  auth?: (req: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig> | InternalAxiosRequestConfig;
  /** Tests reach the wire through this. */
  adapter?: AxiosAdapter;
  log?: Logger;
}

/** One upstream base URL: every call is sent, parsed and mapped to a BotError the same way. */
export interface Http {
  send<S extends z.ZodType>(schema: S, req: HttpRequest): Promise<z.infer<S>>;
  /** The HTTP status of the answer, whatever it is; only a failure to get one throws. For probes. */
  status(req: HttpRequest): Promise<number>;
}

export function createHttp(o: HttpOptions): Http {
  const instance = axios.create({
    baseURL: o.baseURL,
    timeout: o.timeoutMs,
    // Unset, axios uses Node's http adapter, which sends no Origin header: that keeps MLflow's cross-origin guard quiet.
    adapter: o.adapter,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
  if (o.auth) instance.interceptors.request.use(o.auth);
  const ctx = { axios: instance, upstream: o, log: o.log };
  return {
    send: (schema, req) => send(ctx, schema, req),
    status: async (req) => (await sendRaw(ctx, req, { validateStatus: () => true })).status,
  };
}
