import { userError } from '../../bot/errors.js';

/**
 * Turns the error body of Airflow 3's FastAPI server into one sentence: `{detail: str}`, 409 `{detail: {reason,
 * message}}` and 422 `{detail: [{loc, msg}]}`. Never echoes `input`, which can hold a password. Airflow 2's RFC 7807
 * `{title, detail}` needs nothing beyond the shared mapping.
 */
export function describeFastApiError(_status: number, data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const detail = (data as Record<string, unknown>).detail;
  if (Array.isArray(detail)) {
    const parts = detail.map((item) => {
      const i = (item ?? {}) as Record<string, unknown>;
      const loc = Array.isArray(i.loc) ? i.loc.map(String).join('.') : undefined;
      const msg = typeof i.msg === 'string' ? i.msg : 'invalid';
      return loc ? `field '${loc}': ${msg}` : msg;
    });
    return parts.join('; ') || undefined;
  }
  if (detail && typeof detail === 'object') {
    const o = detail as Record<string, unknown>;
    const text = [o.reason, o.message].filter((s): s is string => typeof s === 'string');
    if (text.length) return [...new Set(text)].join(': ');
  }
  return undefined;
}

export function checkTryNumber(n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw userError('OPTIONS_INVALID', `try number must be a whole number of at least 1, not ${n}.`, {
      service: 'airflow',
    });
  }
}
