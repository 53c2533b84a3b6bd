import { userError } from '../../bot/errors.js';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `metrics.acc`, or ``metrics.`val-loss` `` when the key is not a plain identifier. */
export function filterKey(prefix: 'metrics' | 'params' | 'tags' | 'attributes', key: string): string {
  if (PLAIN_KEY.test(key)) return `${prefix}.${key}`;
  if (!key.includes('`')) return `${prefix}.\`${key}\``;
  if (!key.includes('"')) return `${prefix}."${key}"`;
  throw userError('OPTIONS_INVALID', `MLflow cannot filter on the key ${JSON.stringify(key)}: it holds both \` and ".`);
}

/** A single-quoted string literal; MLflow's filter parser has no escape for a quote inside one. */
export function quoteString(what: string, value: string): string {
  if (value.includes("'"))
    throw userError('OPTIONS_INVALID', `MLflow cannot filter on a ${what} containing ': ${value}`);
  return `'${value}'`;
}

/**
 * FINISHED runs (unless unfinished are wanted) that logged the metric. The grammar has no IS NOT NULL,
 * so a bound below every finite double stands in for "present"; it also drops NaN and -Infinity.
 */
export function bestRunsFilter(q: { metricKey: string; includeUnfinished?: boolean; finishedAfter?: Date }): string {
  const parts: string[] = [];
  if (!q.includeUnfinished) parts.push("attributes.status = 'FINISHED'");
  if (q.finishedAfter) parts.push(`attributes.end_time > ${q.finishedAfter.getTime()}`);
  parts.push(`${q.metricKey} >= -1e308`);
  return parts.join(' AND ');
}
