import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signAirflowEvent, verifyAirflowSignature, verifyMlflowSignature } from '../../../src/webhooks/signatures.js';

const body = Buffer.from('{"event":"dag_run_failed","dag_id":"etl","run_id":"r1"}');
const now = Date.parse('2026-11-26T10:00:00Z');
const ts = Math.floor(now / 1000);

describe('the Airflow callback signature', () => {
  it('accepts what signAirflowEvent produced', () => {
    expect(verifyAirflowSignature(body, signAirflowEvent('s3cret', body, ts), 's3cret', now)).toBe(true);
  });
  it('rejects another secret, a changed body, a missing header and a stale timestamp', () => {
    const h = signAirflowEvent('s3cret', body, ts);
    expect(verifyAirflowSignature(body, h, 'other', now)).toBe(false);
    expect(verifyAirflowSignature(Buffer.from(`${body} `), h, 's3cret', now)).toBe(false);
    expect(verifyAirflowSignature(body, { 'x-mlops-timestamp': String(ts) }, 's3cret', now)).toBe(false);
    expect(verifyAirflowSignature(body, signAirflowEvent('s3cret', body, ts - 301), 's3cret', now)).toBe(false);
  });
});

describe('the MLflow webhook signature', () => {
  const id = '7d1f0c1e-0000-4000-8000-000000000001';
  it('accepts the v1 form over delivery id, timestamp and raw body', () => {
    const sig = `v1,${createHmac('sha256', 'k').update(`${id}.${ts}.`).update(body).digest('base64')}`;
    const h = { 'x-mlflow-signature': sig, 'x-mlflow-delivery-id': id, 'x-mlflow-timestamp': String(ts) };
    expect(verifyMlflowSignature(body, h, 'k', now)).toBe(true);
    expect(verifyMlflowSignature(body, { ...h, 'x-mlflow-timestamp': String(ts - 600) }, 'k', now)).toBe(false);
    expect(verifyMlflowSignature(body, { ...h, 'x-mlflow-delivery-id': 'other' }, 'k', now)).toBe(false);
  });
  it('accepts the older sha256= hex form and rejects an unknown scheme', () => {
    const sig = `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`;
    expect(verifyMlflowSignature(body, { 'x-mlflow-signature': sig }, 'k', now)).toBe(true);
    expect(verifyMlflowSignature(body, { 'x-mlflow-signature': 'md5=abc' }, 'k', now)).toBe(false);
    expect(verifyMlflowSignature(body, {}, 'k', now)).toBe(false);
  });
});
