import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signAirflowEvent,
  verifyAirflowSignature,
  verifyMlflowSignature,
} from '../../../../src/http/webhooks/signatures.js';

const body = Buffer.from('{"event":"dag_run_failed","dag_id":"etl","run_id":"r1"}');
const now = Date.parse('2026-11-26T10:00:00Z');
const ts = Math.floor(now / 1000);

describe('the Airflow callback signature', () => {
  it('accepts what signAirflowEvent produced', () => {
    expect(verifyAirflowSignature(body, signAirflowEvent('s3cret', body, ts), 's3cret', now)).toEqual({ ok: true });
  });

  it('rejects another secret, a changed body, a missing header and a stale timestamp', () => {
    const h = signAirflowEvent('s3cret', body, ts);
    expect(verifyAirflowSignature(body, h, 'other', now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyAirflowSignature(Buffer.from(`${body} `), h, 's3cret', now).ok).toBe(false);
    expect(verifyAirflowSignature(body, { 'x-mlops-timestamp': String(ts) }, 's3cret', now).ok).toBe(false);
    expect(verifyAirflowSignature(body, signAirflowEvent('s3cret', body, ts - 301), 's3cret', now)).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('rejects a timestamp more than 5 minutes ahead, as a pre-signed request would carry', () => {
    const ahead = signAirflowEvent('s3cret', body, ts + 301);

    expect(verifyAirflowSignature(body, ahead, 's3cret', now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyAirflowSignature(body, signAirflowEvent('s3cret', body, ts + 299), 's3cret', now).ok).toBe(true);
  });
});

describe('the MLflow webhook signature', () => {
  const id = '7d1f0c1e-0000-4000-8000-000000000001';
  const v1 = (secret: string, at: number, deliveryId = id) => ({
    'x-mlflow-signature': `v1,${createHmac('sha256', secret).update(`${deliveryId}.${at}.`).update(body).digest('base64')}`,
    'x-mlflow-delivery-id': deliveryId,
    'x-mlflow-timestamp': String(at),
  });

  it('accepts the v1 form over delivery id, timestamp and raw body', () => {
    expect(verifyMlflowSignature(body, v1('k', ts), 'k', now)).toEqual({ ok: true });
  });

  it('rejects a v1 request whose delivery id or timestamp was swapped, or that is stale or from the future', () => {
    const h = v1('k', ts);

    expect(verifyMlflowSignature(body, { ...h, 'x-mlflow-timestamp': String(ts - 1) }, 'k', now).ok).toBe(false);
    expect(verifyMlflowSignature(body, { ...h, 'x-mlflow-delivery-id': 'other' }, 'k', now)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyMlflowSignature(body, v1('k', ts - 600), 'k', now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyMlflowSignature(body, v1('k', ts + 600), 'k', now)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses the legacy sha256= form, which signs no timestamp, even when its HMAC is right', () => {
    const sig = `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`;

    expect(verifyMlflowSignature(body, { 'x-mlflow-signature': sig }, 'k', now)).toEqual({
      ok: false,
      reason: 'legacy-scheme',
    });
  });

  it('rejects an unknown scheme and a missing signature', () => {
    expect(verifyMlflowSignature(body, { 'x-mlflow-signature': 'md5=abc' }, 'k', now).ok).toBe(false);
    expect(verifyMlflowSignature(body, {}, 'k', now)).toEqual({ ok: false, reason: 'missing' });
  });
});
