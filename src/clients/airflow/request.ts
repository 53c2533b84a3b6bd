import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import { BotError } from '../../bot/errors.js';

function contractError(req: AxiosRequestConfig, what: string, cause?: unknown): BotError {
  const m = `Airflow answered ${req.method?.toUpperCase() ?? 'GET'} ${req.url} with ${what}. The API may have changed.`;
  return new BotError('UPSTREAM_CONTRACT', m, { service: 'airflow', userMessage: m, cause });
}

/**
 * Sends a request and validates the JSON body. Unlike `call` in http.ts it tells malformed JSON (axios then hands
 * back the raw string) apart from a body of the wrong shape, and names the drifted field.
 */
export async function send<S extends z.ZodType>(
  http: AxiosInstance,
  schema: S,
  req: AxiosRequestConfig,
): Promise<z.infer<S>> {
  const res = await http.request<unknown>(req);
  if (typeof res.data === 'string' && req.responseType !== 'text') {
    throw contractError(req, `malformed JSON (${res.data.trim().slice(0, 40) || 'empty body'})`);
  }
  const parsed = schema.safeParse(res.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(body)';
    throw contractError(req, `an unexpected shape at '${field}': ${issue?.message ?? 'invalid'}`, parsed.error);
  }
  return parsed.data;
}

/** Query string with repeated keys for arrays (`state=a&state=b`), as FastAPI and connexion expect. */
export function query(params: Record<string, string | number | boolean | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, item);
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Airflow caps pages at 100 (`[api] maximum_page_limit`). */
export function pageLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.min(100, Math.max(1, Math.floor(limit)));
}
