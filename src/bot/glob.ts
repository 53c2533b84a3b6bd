import picomatch from 'picomatch';
import { z } from 'zod';

/**
 * picomatch turns each `*` into a lazy `[^/]*?`: with 3 a 250-character subject takes a few ms, with 4 it takes
 * 0.4 s, with 6 minutes. Every glob the bot stores (DAG, service and model globs, tags, metrics, mutes) stays under
 * this cap, so no watcher tick can stall on one.
 */
export const MAX_WILDCARDS = 3;

const MAX_SUBJECT = 256;

export const TOO_MANY_WILDCARDS = `use at most ${MAX_WILDCARDS} wildcards (* or ?): more can stall matching`;

export const withinWildcardCap = (pattern: string): boolean => (pattern.match(/[*?]/g) ?? []).length <= MAX_WILDCARDS;

/** A glob over names (DAG ids, services, models, experiments): their characters plus the glob ones. */
export const nameGlob = (hint: string) =>
  z
    .string()
    .max(200)
    .regex(/^[\w.*?\-[\]{},]+$/, hint)
    .refine(withinWildcardCap, TOO_MANY_WILDCARDS);

/** A glob over free text (DAG tags, metric keys), which may hold any character: only the wildcard cap applies. */
export const textGlob = (max: number) => z.string().max(max).refine(withinWildcardCap, TOO_MANY_WILDCARDS);

/**
 * Case-insensitive glob match. A pattern over the cap (saved before the cap existed, or written to the store by hand)
 * is never run: it matches only itself.
 */
export function globMatch(value: string, pattern: string): boolean {
  if (value.toLowerCase() === pattern.toLowerCase()) return true;
  // Backtracking grows with the subject's length too; names past 256 characters (MLflow allows them) are matched on
  // their first 256, which keeps a tick in milliseconds.
  return withinWildcardCap(pattern) && picomatch.isMatch(value.slice(0, MAX_SUBJECT), pattern, { nocase: true });
}
