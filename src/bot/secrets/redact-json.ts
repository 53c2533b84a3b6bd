import { SECRETISH } from './secret-names.js';

const REDACTED = '[redacted]';
const MAX_AUDIT_VALUE = 200;

/** A copy of a JSON value with secret-looking keys replaced at any depth. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRETISH.test(k) ? REDACTED : redactJson(v)]));
}

/** One option of a command line as the audit table keeps it: secret keys blanked, JSON redacted inside, long values cut. */
export function redactAuditValue(key: string, value: unknown): unknown {
  if (SECRETISH.test(key)) return REDACTED;
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    // A JSON option such as trigger's conf may carry a password under any key.
    try {
      value = JSON.stringify(redactJson(JSON.parse(value)));
    } catch {
      // Malformed JSON cannot be redacted key by key, and it may hold a secret: keep none of it.
      return '[unparsed JSON]';
    }
  }
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s && s.length > MAX_AUDIT_VALUE ? `${s.slice(0, MAX_AUDIT_VALUE)}…` : value;
}
