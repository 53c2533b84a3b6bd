/** Keys whose values never reach a chat reply, a log line or the audit table. */
export const SECRETISH = /pass|secret|token|auth|credential|api[_-]?key/i;

/** A copy of a JSON value with secret-looking keys replaced at any depth. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRETISH.test(k) ? '[redacted]' : redactJson(v)]),
  );
}
