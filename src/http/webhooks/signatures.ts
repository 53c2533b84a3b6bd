import { createHmac, timingSafeEqual } from 'node:crypto';

type Headers = Record<string, string | string[] | undefined>;

export const header = (h: Headers, name: string): string => {
  const v = h[name] ?? h[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** How far a signed timestamp may be from our clock, either way: a captured request is useless after this. */
export const MAX_SKEW_MS = 300_000;

/** Why a request was refused, for the log line only; the caller just gets 401. */
export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' | 'legacy-scheme' };

const OK: SignatureCheck = { ok: true };
const refuse = (reason: 'missing' | 'stale' | 'mismatch' | 'legacy-scheme'): SignatureCheck => ({ ok: false, reason });

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fresh(ts: string, nowMs: number): boolean {
  const t = /^\d{1,12}$/.test(ts) ? Number(ts) : Number.NaN;
  return Number.isFinite(t) && Math.abs(nowMs - t * 1000) <= MAX_SKEW_MS;
}

/**
 * The bot's own scheme for the Airflow failure callback: `X-MLOps-Timestamp` (unix s) and
 * `X-MLOps-Signature: v1=<hex HMAC-SHA256(secret, "<ts>.<raw body>")>`, the same shape as Slack's.
 */
export function signAirflowEvent(secret: string, raw: Buffer | string, ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex');
  return { 'x-mlops-timestamp': String(ts), 'x-mlops-signature': `v1=${sig}` };
}

export function verifyAirflowSignature(raw: Buffer, h: Headers, secret: string, nowMs = Date.now()): SignatureCheck {
  const ts = header(h, 'x-mlops-timestamp');
  const sig = header(h, 'x-mlops-signature');
  if (!sig.startsWith('v1=') || !ts) return refuse('missing');
  if (!fresh(ts, nowMs)) return refuse('stale');
  return equal(sig, signAirflowEvent(secret, raw, Number(ts))['x-mlops-signature']) ? OK : refuse('mismatch');
}

/**
 * MLflow 3.3+ webhooks: `v1,<base64 HMAC-SHA256>` over "<delivery id>.<timestamp>.<raw body>", so the delivery id
 * and the time are signed too. The `sha256=<hex>` form of an early docs revision signs the body alone: a captured
 * request would verify forever, so it is refused (MLflow 3.x sends v1).
 */
export function verifyMlflowSignature(raw: Buffer, h: Headers, secret: string, nowMs = Date.now()): SignatureCheck {
  const sig = header(h, 'x-mlflow-signature');
  if (sig.startsWith('sha256=')) return refuse('legacy-scheme');
  const ts = header(h, 'x-mlflow-timestamp');
  if (!sig.startsWith('v1,') || !ts) return refuse('missing');
  if (!fresh(ts, nowMs)) return refuse('stale');
  const id = header(h, 'x-mlflow-delivery-id');
  const want = `v1,${createHmac('sha256', secret).update(`${id}.${ts}.`).update(raw).digest('base64')}`;
  return equal(sig, want) ? OK : refuse('mismatch');
}
