import { pino } from 'pino';
import { maskSecrets } from './mask-secrets.js';
import { SECRETISH } from './secret-names.js';

// axios hangs the whole exchange on its errors: `config` (headers with Authorization, `data` with a login body),
// `request` (the raw ClientRequest, whose `_header` holds the same header text) and `response` (with `config` and
// `request` again). None of it helps a reader more than the status does.
const DROPPED = new Set(['config', 'request', 'headers', '_header']);
const MAX_DEPTH = 4;

function scrub(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return depth > MAX_DEPTH ? '[…]' : value.map((v) => scrub(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[…]';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (DROPPED.has(k)) continue;
    if (k === 'response' && v && typeof v === 'object') {
      const r = v as { status?: unknown; statusText?: unknown };
      out.response = { status: r.status, statusText: r.statusText };
    } else if ((k === 'message' || k === 'stack') && typeof v === 'string') out[k] = maskSecrets(v);
    else out[k] = SECRETISH.test(k) ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}

/**
 * pino's error serializer, minus request configs, raw requests and headers at any depth, secret-looking keys blanked
 * and messages masked.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error) && !(err && typeof err === 'object' && 'message' in err)) return err;
  return scrub(pino.stdSerializers.err(err as Error), 0);
}
