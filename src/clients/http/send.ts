import { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import type { z } from 'zod';
import { BotError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import { explain, toUpstreamError, type Upstream, type Wording } from './upstream-error.js';

export type QueryValue = string | number | boolean | string[] | undefined;

export interface HttpRequest extends Wording {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Below the base URL, without a query string. */
  path: string;
  /** Arrays repeat their key (`state=a&state=b`), as FastAPI, connexion and MLflow expect; undefined is left out. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** The answer is plain text rather than JSON. */
  text?: boolean;
  /** A POST that only reads (a search), so it is as safe to send twice as a GET. */
  readOnly?: boolean;
  signal?: AbortSignal;
}

export interface SendContext {
  axios: AxiosInstance;
  upstream: Upstream;
  log?: Logger;
}

/** The query string, `?`-prefixed, or '' when nothing is set. */
export function queryString(params: Record<string, QueryValue> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A socket the server closed while it sat idle in the keep-alive pool fails the next request before any answer.
 * Only then is a request sent again: never after a timeout, a cancel or an HTTP status.
 */
export function isStaleConnection(err: unknown): boolean {
  if (!isAxiosError(err) || err.response) return false;
  return err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up/i.test(err.message);
}

function idempotent(req: HttpRequest): boolean {
  const method = req.method ?? 'GET';
  return method === 'GET' || (method === 'POST' && req.readOnly === true);
}

function toConfig(req: HttpRequest): AxiosRequestConfig {
  const headers: Record<string, string> = { Accept: req.text ? 'text/plain' : 'application/json' };
  // MLflow reads a JSON body for every method that carries one (DELETE included) and rejects it without this header.
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  return {
    method: req.method ?? 'GET',
    url: `${req.path}${queryString(req.query)}`,
    data: req.body,
    headers,
    responseType: req.text ? 'text' : 'json',
    signal: req.signal,
  };
}

/** Sends once, and once more when the connection turned out stale and the request is safe to repeat. */
async function exchange(ctx: SendContext, req: HttpRequest, config: AxiosRequestConfig): Promise<AxiosResponse> {
  try {
    return await ctx.axios.request<unknown>(config);
  } catch (err) {
    if (!idempotent(req) || !isStaleConnection(err) || req.signal?.aborted) throw err;
    ctx.log?.debug(
      { method: config.method, path: req.path },
      `${ctx.upstream.service} closed a kept-alive connection; sending again`,
    );
    return ctx.axios.request<unknown>(config);
  }
}

/** Sends the request and maps any failure; answers the raw response, for callers that read the status. */
export async function sendRaw(
  ctx: SendContext,
  req: HttpRequest,
  extra: AxiosRequestConfig = {},
): Promise<AxiosResponse> {
  const started = Date.now();
  const config = { ...toConfig(req), ...extra };
  const meta = { method: config.method, path: req.path };
  try {
    const res = await exchange(ctx, req, config);
    ctx.log?.debug({ ...meta, ms: Date.now() - started }, `${ctx.upstream.service} call`);
    return res;
  } catch (err) {
    const e = explain(toUpstreamError(ctx.upstream, err), req);
    // Only the mapped error is logged: a raw axios error carries the Authorization header.
    ctx.log?.debug(
      { ...meta, ms: Date.now() - started, code: e.code, status: e.status },
      `${ctx.upstream.service} call failed`,
    );
    throw e;
  }
}

/** Send → parse → map errors: the one way every Airflow and MLflow call talks to its server. */
export async function send<S extends z.ZodType>(ctx: SendContext, schema: S, req: HttpRequest): Promise<z.infer<S>> {
  const res = await sendRaw(ctx, req);
  return parse(ctx.upstream, schema, req, res.data);
}

function parse<S extends z.ZodType>(o: Upstream, schema: S, req: HttpRequest, data: unknown): z.infer<S> {
  // On a body that is no JSON, axios hands back the raw string: say so rather than blame its shape.
  if (typeof data === 'string' && !req.text) {
    throw contractError(o, req, `malformed JSON (${data.trim().slice(0, 40) || 'empty body'})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(body)';
    throw contractError(o, req, `an unexpected shape at '${field}': ${issue?.message ?? 'invalid'}`, parsed.error);
  }
  return parsed.data;
}

function contractError(o: Upstream, req: HttpRequest, what: string, cause?: unknown): BotError {
  const m = `${o.label} answered ${req.method ?? 'GET'} ${req.path} with ${what}. The API may have changed.`;
  return new BotError('UPSTREAM_CONTRACT', m, { service: o.service, userMessage: m, cause });
}
