import { userError } from '../../bot/errors.js';
import { code, esc } from '../../bot/message.js';
import type { DagParam } from '../../clients/airflow/types.js';

export const MAX_CONF_BYTES = 64 * 1024;

// Only a position: the parser's message and the text around the error can hold a secret the user typed.
function where(raw: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return 'it ends early or has a stray character';
  const pos = Number(m[1]);
  const before = raw.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `at line ${line}, column ${column}`;
}

function tooBig(bytes: number): never {
  throw userError('OPTIONS_INVALID', `conf is ${Math.ceil(bytes / 1024)} KB; the limit is 64 KB.`);
}

/** --conf: a JSON object; malformed JSON says where it broke. */
export function parseConfJson(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  const bytes = Buffer.byteLength(raw);
  if (bytes > MAX_CONF_BYTES) tooBig(bytes);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw userError('OPTIONS_INVALID', `conf is not valid JSON: ${where(raw, err as Error)}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw userError('OPTIONS_INVALID', 'conf must be a JSON object, such as `{"lr": 0.01}`.');
  return value as Record<string, unknown>;
}

function typed(key: string, raw: string, p: DagParam | undefined): unknown {
  // The value itself is never echoed: replies to trigger go to the whole channel.
  const bad = (what: string) => userError('OPTIONS_INVALID', `Param ${code(key)} expects ${what}.`);
  let v: unknown = raw;
  const types = p?.type ? p.type.split('|') : [];
  const is = (t: string) => types.includes(t);
  // The client keeps a nullable param's non-null type only; a null default says null is allowed.
  if (raw === 'null' && (is('null') || p?.default === null)) return null;
  if (is('integer')) {
    if (!/^[-+]?\d+$/.test(raw)) throw bad('a whole number');
    v = Number(raw);
  } else if (is('number')) {
    v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) throw bad('a number');
  } else if (is('boolean')) {
    if (!/^(true|false)$/i.test(raw)) throw bad('true or false');
    v = raw.toLowerCase() === 'true';
  } else if (is('array') || is('object')) {
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw userError('OPTIONS_INVALID', `Param ${code(key)} is not valid JSON: ${where(raw, err as Error)}.`);
    }
    if (is('array') !== Array.isArray(v) || v === null || typeof v !== 'object')
      throw bad(`a JSON ${esc(p?.type ?? 'value')}`);
  }
  if (p?.enum && !p.enum.some((e) => e === v))
    throw userError(
      'OPTIONS_INVALID',
      `Param ${code(key)} must be one of ${p.enum.map((e) => code(String(e))).join(', ')}.`,
    );
  if (typeof v === 'number' && p?.minimum !== undefined && v < p.minimum) throw bad(`at least ${p.minimum}`);
  if (typeof v === 'number' && p?.maximum !== undefined && v > p.maximum) throw bad(`at most ${p.maximum}`);
  return v;
}

/** k=v pairs typed against the DAG's declared params; a DAG without params takes them as strings. */
export function confFromPairs(
  pairs: Readonly<Record<string, string>>,
  params: readonly DagParam[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byName = new Map(params.map((p) => [p.name, p]));
  for (const [k, raw] of Object.entries(pairs)) {
    if (params.length > 0 && !byName.has(k))
      throw userError(
        'OPTIONS_INVALID',
        `The DAG declares no param ${code(k)}. Params: ${params.map((p) => code(p.name)).join(', ')}.`,
      );
    out[k] = typed(k, raw, byName.get(k));
  }
  return out;
}

export function checkConfSize(conf: Record<string, unknown>): void {
  const bytes = Buffer.byteLength(JSON.stringify(conf));
  if (bytes > MAX_CONF_BYTES) tooBig(bytes);
}
