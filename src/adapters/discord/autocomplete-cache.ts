import type { OptionValue } from './interaction-input.js';

export interface AutocompleteQuery {
  verb: string;
  /** The option being typed, e.g. `dag`, `run_id`, `experiment`, `metric`, `model`, `service`. */
  option: string;
  /** What the user has typed so far. */
  partial: string;
  /** The other options already filled in (a run_id needs its dag). */
  options: Readonly<Record<string, OptionValue>>;
}

export type AutocompleteProvider = (q: AutocompleteQuery) => Promise<readonly string[]>;

export interface Choice {
  name: string;
  value: string;
}

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/**
 * Live suggestions cached per query for at most 30 s: Discord sends one autocomplete interaction per keystroke, and
 * each must be answered within 3 s. Discord allows 25 choices of at most 100 characters.
 */
export function createAutocompleteCache(deps: {
  provider: AutocompleteProvider;
  ttlMs?: number;
  now?: () => number;
  maxEntries?: number;
}): (q: AutocompleteQuery) => Promise<Choice[]> {
  const ttl = Math.min(deps.ttlMs ?? 30_000, 30_000);
  const now = deps.now ?? Date.now;
  const max = deps.maxEntries ?? 200;
  const cache = new Map<string, { at: number; values: Promise<readonly string[]> }>();
  return async (q) => {
    const key = JSON.stringify([q.verb, q.option, q.partial, Object.entries(q.options).sort()]);
    let hit = cache.get(key);
    if (!hit || now() - hit.at > ttl) {
      hit = { at: now(), values: deps.provider(q) };
      cache.delete(key);
      cache.set(key, hit);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      // A failed lookup must not be served from the cache for 30 s.
      hit.values.catch(() => cache.delete(key));
    }
    const needle = q.partial.toLowerCase();
    const values = await hit.values;
    const starts = values.filter((v) => v.toLowerCase().startsWith(needle));
    const contains = values.filter((v) => !v.toLowerCase().startsWith(needle) && v.toLowerCase().includes(needle));
    return [...starts, ...contains]
      .filter((v) => v.length > 0 && v.length <= MAX_CHOICE_LENGTH)
      .slice(0, MAX_CHOICES)
      .map((v) => ({ name: v, value: v }));
  };
}
