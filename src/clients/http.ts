import axios, {
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosRequestConfig,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import type { z } from 'zod';
import { BotError } from '../bot/errors.js';

export type HttpService = 'airflow' | 'mlflow';

export interface HttpOptions {
  service: HttpService;
  baseURL: string;
  timeoutMs: number;
  /** Adds credentials to each request (Basic or Bearer). */
  auth?: (req: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig> | InternalAxiosRequestConfig;
  /** Contract tests replay recorded fixtures through this. */
  adapter?: AxiosAdapter;
  /** Turns an upstream error body into a human sentence (without secrets). */
  describeError?: (status: number, data: unknown) => string | undefined;
  /** Takes over the mapping of an HTTP error response when the service knows better (e.g. MLflow's plain-text 403). */
  mapError?: (status: number, data: unknown) => BotError | undefined;
}

const LABEL: Record<HttpService, string> = { airflow: 'Airflow', mlflow: 'MLflow' };
const CREDENTIALS: Record<HttpService, string> = {
  airflow: 'AIRFLOW_USERNAME and AIRFLOW_PASSWORD',
  mlflow: 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD',
};

/** Strips user info and query strings so a URL can be shown. */
export function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}

export function createHttp(o: HttpOptions): AxiosInstance {
  const http = axios.create({
    baseURL: o.baseURL,
    timeout: o.timeoutMs,
    adapter: o.adapter,
    // Node's http adapter sends no Origin header, which keeps MLflow's cross-origin guard quiet.
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
  if (o.auth) http.interceptors.request.use(o.auth);
  http.interceptors.response.use(undefined, (err: unknown) => Promise.reject(toUpstreamError(o, err)));
  return http;
}

function detailOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim().slice(0, 300) || undefined;
  if (data && typeof data === 'object') {
    const d = data as Record<string, unknown>;
    if (typeof d.detail === 'string') return d.detail;
    if (typeof d.message === 'string') return d.message;
    if (typeof d.title === 'string') return d.title;
  }
  return undefined;
}

/** Maps any axios failure to a coded BotError that names the service, the URL and the fix. */
export function toUpstreamError(
  o: Pick<HttpOptions, 'service' | 'baseURL' | 'describeError' | 'timeoutMs' | 'mapError'>,
  err: unknown,
): BotError {
  if (err instanceof BotError) return err;
  const name = LABEL[o.service];
  const where = safeUrl(o.baseURL);
  if (!isAxiosError(err)) {
    return new BotError('INTERNAL', `${name} call failed: ${(err as Error)?.message ?? String(err)}`, {
      service: o.service,
      cause: err,
    });
  }
  if (axios.isCancel(err) || err.code === 'ERR_CANCELED') {
    return new BotError('UPSTREAM_UNAVAILABLE', `${name} call was cancelled`, {
      service: o.service,
      userMessage: `${name} at ${where} did not answer in time (cancelled).`,
    });
  }
  const res = err.response;
  if (!res) {
    const code = err.code ?? '';
    let what = `is unreachable (${code || 'network error'})`;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT')
      what = `did not answer within ${Math.round(o.timeoutMs / 100) / 10} s`;
    if (code === 'ECONNREFUSED') what = 'is unreachable (connection refused)';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') what = 'is unreachable (host not found)';
    const message = `${name} at ${where} ${what}. Is it running? Check ${o.service === 'airflow' ? 'AIRFLOW_URL' : 'MLFLOW_URL'}.`;
    return new BotError('UPSTREAM_UNAVAILABLE', message, { service: o.service, userMessage: message });
  }
  const status = res.status;
  const mapped = o.mapError?.(status, res.data);
  if (mapped) return mapped;
  const described = o.describeError?.(status, res.data) ?? detailOf(res.data);
  const suffix = described ? `: ${described}` : '';
  if (status === 401) {
    const m = `${name} answered 401 (not authenticated): check ${CREDENTIALS[o.service]}.`;
    return new BotError('UPSTREAM_AUTH', m, { service: o.service, status, userMessage: m });
  }
  if (status === 403) {
    const m = `${name} answered 403 (forbidden)${suffix}. The bot's ${o.service} user lacks a role for this action.`;
    return new BotError('UPSTREAM_AUTH', m, { service: o.service, status, userMessage: m });
  }
  if (status === 404) {
    const m = `${name}: not found${suffix}`;
    return new BotError('NOT_FOUND', m, { service: o.service, status, userMessage: m });
  }
  if (status === 409) {
    const m = `${name}: conflict${suffix}`;
    return new BotError('CONFLICT', m, { service: o.service, status, userMessage: m });
  }
  if (status === 502 || status === 503 || status === 504) {
    const m = `${name} at ${where} is unavailable (HTTP ${status}). Try again shortly.`;
    return new BotError('UPSTREAM_UNAVAILABLE', m, { service: o.service, status, userMessage: m });
  }
  const m = `${name} rejected the request (HTTP ${status})${suffix}`;
  return new BotError('UPSTREAM_REJECTED', m, { service: o.service, status, userMessage: m });
}

/** Sends a request and validates the body; a schema mismatch names the field that drifted. */
export async function call<S extends z.ZodType>(
  http: AxiosInstance,
  service: HttpService,
  schema: S,
  req: AxiosRequestConfig,
): Promise<z.infer<S>> {
  const res = await http.request<unknown>(req);
  const parsed = schema.safeParse(res.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(body)';
    const m = `${LABEL[service]} answered ${req.method?.toUpperCase() ?? 'GET'} ${req.url} with an unexpected shape at '${field}': ${issue?.message ?? 'invalid'}. The API may have changed.`;
    throw new BotError('UPSTREAM_CONTRACT', m, { service, userMessage: m, cause: parsed.error });
  }
  return parsed.data;
}
