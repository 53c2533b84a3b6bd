import { BotError, isBotError, userError } from '../../bot/errors.js';

/**
 * Turns Airflow error bodies into one sentence: v2 `{detail: str}`, v2 409 `{detail: {reason, message}}`,
 * v2 422 `{detail: [{loc, msg}]}` and v1 RFC 7807 `{title, detail}`. Never echoes `input`, which can hold a password.
 */
export function describeAirflowError(_status: number, data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim().slice(0, 300) || undefined;
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  const detail = d.detail;
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
  if (typeof detail === 'string' && detail) return detail;
  if (typeof d.title === 'string') return d.title;
  return undefined;
}

export interface Explanations {
  notFound?: string;
  conflict?: string;
}

/** Replaces Airflow's generic 404/409 text with a sentence about what the user asked for. */
export async function explain<T>(p: Promise<T>, e: Explanations): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isBotError(err)) {
      if (err.code === 'NOT_FOUND' && e.notFound) throw reworded(err, e.notFound);
      if (err.code === 'CONFLICT' && e.conflict) throw reworded(err, e.conflict);
    }
    throw err;
  }
}

function reworded(err: BotError, message: string): BotError {
  return new BotError(err.code, message, { service: 'airflow', status: err.status, userMessage: message, cause: err });
}

const DAG_ID = /^[A-Za-z0-9_.-]{1,250}$/;
const RUN_ID = /^[A-Za-z0-9_.~:+-]{1,250}$/;
const TASK_ID = /^[A-Za-z0-9_.-]{1,250}$/;

function check(kind: string, value: string, re: RegExp, allowed: string): void {
  // Dots alone pass the character rules but would walk up the URL path to another endpoint.
  const dots = typeof value === 'string' && /^\.+$/.test(value);
  if (typeof value !== 'string' || !re.test(value) || dots) {
    const shown = String(value).slice(0, 60);
    const why = dots ? 'dots alone are not a name' : `use ${allowed}`;
    throw userError('OPTIONS_INVALID', `'${shown}' is not a valid ${kind}: ${why}.`, { service: 'airflow' });
  }
}

export function checkDagId(dagId: string, opts: { allowAll?: boolean } = {}): void {
  if (opts.allowAll && dagId === '~') return;
  check('DAG id', dagId, DAG_ID, 'letters, digits, _ . - (at most 250)');
}

export function checkRunId(runId: string): void {
  check('run id', runId, RUN_ID, 'letters, digits, _ . ~ : + - (at most 250)');
}

export function checkTaskId(taskId: string): void {
  check('task id', taskId, TASK_ID, 'letters, digits, _ . - (at most 250)');
}

export function checkTryNumber(n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw userError('OPTIONS_INVALID', `try number must be a whole number of at least 1, not ${n}.`, {
      service: 'airflow',
    });
  }
}

export const seg = encodeURIComponent;
