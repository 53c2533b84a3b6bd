import { describe, expect, it } from 'vitest';
import {
  type AutocompleteQuery,
  createAutocompleteCache,
} from '../../../../src/adapters/discord/autocomplete-cache.js';

const q = (partial: string, options = {}): AutocompleteQuery => ({ verb: 'trigger', option: 'dag', partial, options });

describe('autocomplete cache', () => {
  it('asks upstream once per query within 30 s and again after', async () => {
    let now = 0;
    let calls = 0;
    const choices = createAutocompleteCache({
      provider: async () => {
        calls++;
        return ['train_model'];
      },
      now: () => now,
      ttlMs: 60_000,
    });

    await choices(q('tr'));
    now = 29_000;
    await choices(q('tr'));
    now = 30_001;
    await choices(q('tr'));

    expect(calls).toBe(2);
  });

  it('keeps 25 choices of at most 100 characters, prefix matches first', async () => {
    const values = ['x_train', ...Array.from({ length: 30 }, (_, i) => `train_${i}`), `train_${'y'.repeat(100)}`];
    const choices = createAutocompleteCache({ provider: async () => values });

    const out = await choices(q('train'));

    expect(out).toHaveLength(25);
    expect(out[0]).toEqual({ name: 'train_0', value: 'train_0' });
    expect(out.every((c) => c.name.length <= 100)).toBe(true);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const choices = createAutocompleteCache({
      provider: async () => {
        if (fail) throw new Error('Airflow down');
        return ['train_model'];
      },
    });

    await expect(choices(q(''))).rejects.toThrow('Airflow down');
    fail = false;

    expect(await choices(q(''))).toEqual([{ name: 'train_model', value: 'train_model' }]);
  });
});
