import { createHmac, timingSafeEqual } from 'node:crypto';

type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string => {
  const v = h[name] ?? h[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

const MAX_SKEW_SEC = 300;

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fresh(ts: string, nowMs: number): boolean {
  const t = Number(ts);
  return Number.isFinite(t) && Math.abs(nowMs / 1000 - t) <= MAX_SKEW_SEC;
}

/**
 * The bot's own scheme for the Airflow failure callback: `X-MLOps-Timestamp` (unix s) and
 * `X-MLOps-Signature: v1=<hex HMAC-SHA256(secret, "<ts>.<raw body>")>`, the same shape as Slack's.
 */
export function signAirflowEvent(secret: string, raw: Buffer | string, ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', secret).update(`${ts}.`).update(raw).digest('hex');
  return { 'x-mlops-timestamp': String(ts), 'x-mlops-signature': `v1=${sig}` };
}

export function verifyAirflowSignature(raw: Buffer, h: Headers, secret: string, nowMs = Date.now()): boolean {
  const ts = header(h, 'x-mlops-timestamp');
  const sig = header(h, 'x-mlops-signature');
  if (!sig.startsWith('v1=') || !fresh(ts, nowMs)) return false;
  return equal(sig, signAirflowEvent(secret, raw, Number(ts))['x-mlops-signature']);
}

/** MLflow 3.3+ webhooks: current `v1,<base64>` over "<delivery id>.<ts>.<body>", and the older `sha256=<hex>` form. */
export function verifyMlflowSignature(raw: Buffer, h: Headers, secret: string, nowMs = Date.now()): boolean {
  const sig = header(h, 'x-mlflow-signature');
  if (sig.startsWith('v1,')) {
    const id = header(h, 'x-mlflow-delivery-id');
    const ts = header(h, 'x-mlflow-timestamp');
    if (!fresh(ts, nowMs)) return false;
    const want = `v1,${createHmac('sha256', secret).update(`${id}.${ts}.`).update(raw).digest('base64')}`;
    return equal(sig, want);
  }
  if (sig.startsWith('sha256=')) return equal(sig, `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  return false;
}
