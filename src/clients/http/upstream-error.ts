import axios, { isAxiosError } from 'axios';
import { BotError } from '../../bot/errors.js';
import { safeUrl } from './safe-url.js';

/** What the shared error mapping needs to know about one upstream to say what went wrong and what to fix. */
export interface Upstream {
  service: 'airflow' | 'mlflow';
  /** How messages name it, e.g. 'Airflow'. */
  label: string;
  baseURL: string;
  timeoutMs: number;
  /** The settings a user checks: where the upstream is, and who the bot is there. */
  settings: { url: string; credentials: string };
  /** Turns an upstream error body into a human sentence (without secrets). */
  describeError?: (status: number, data: unknown) => string | undefined;
  /** Takes over the mapping of an error response when the service knows better (e.g. MLflow's plain-text 403). */
  mapError?: (status: number, data: unknown) => BotError | undefined;
}

/** Per-call wording: what the user asked for that was missing, or that clashed. */
export interface Wording {
  notFound?: string;
  conflict?: string;
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
export function toUpstreamError(o: Upstream, err: unknown): BotError {
  if (err instanceof BotError) return err;
  const name = o.label;
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
    const message = `${name} at ${where} ${what}. Is it running? Check ${o.settings.url}.`;
    return new BotError('UPSTREAM_UNAVAILABLE', message, { service: o.service, userMessage: message });
  }
  const status = res.status;
  const mapped = o.mapError?.(status, res.data);
  if (mapped) return mapped;
  const described = o.describeError?.(status, res.data) ?? detailOf(res.data);
  const suffix = described ? `: ${described}` : '';
  if (status === 401) {
    const m = `${name} answered 401 (not authenticated): check ${o.settings.credentials}.`;
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

/**
 * The one place a generic NOT_FOUND or CONFLICT becomes a sentence about what the user asked for
 * ("Airflow has no DAG named 'x'"). The upstream's own error stays as the cause.
 */
export function explain(err: BotError, w: Wording): BotError {
  const message = err.code === 'NOT_FOUND' ? w.notFound : err.code === 'CONFLICT' ? w.conflict : undefined;
  if (!message) return err;
  return new BotError(err.code, message, {
    service: err.service,
    status: err.status,
    userMessage: message,
    cause: err,
  });
}
