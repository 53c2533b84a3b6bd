import { describe, expect, it } from 'vitest';
import { globMatch, MAX_WILDCARDS, nameGlob, textGlob } from '../../../src/bot/glob.js';
import type { Message } from '../../../src/bot/message.js';
import { routeAlerts } from '../../../src/scheduler/route-alerts.js';
import type { Subscription } from '../../../src/store/store.js';

const TWELVE_STARS = '*'.repeat(12);

describe('the one glob module', () => {
  it('matches names and tags case-insensitively, and a name with glob characters as itself', () => {
    expect(globMatch('Train_Model', 'train_*')).toBe(true);
    expect(globMatch('prod-eu', 'PROD*')).toBe(true);
    expect(globMatch('etl', 'train_*')).toBe(false);
    expect(globMatch('acc[0]', 'acc[0]')).toBe(true);
  });

  it('refuses every glob over the wildcard cap before it runs, names or free text', () => {
    for (const schema of [nameGlob('a name'), textGlob(100)]) {
      const tooMany = schema.safeParse(TWELVE_STARS);
      const atCap = schema.safeParse('*a*b?');

      expect(tooMany.success).toBe(false);
      expect(tooMany.error?.issues[0]?.message).toMatch(/at most 3 wildcards/);
      expect(atCap.success).toBe(true);
    }
    expect(MAX_WILDCARDS).toBe(3);
  });

  it('matches a very long name against a pattern at the cap in bounded time', () => {
    const name = 'a'.repeat(5_000);
    const started = process.cpuUsage();

    const matched = globMatch(name, '*a*a*b');

    const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
    expect(matched).toBe(false);
    expect(cpuMs).toBeLessThan(1_000);
  });

  it('never runs a stored pattern over the cap: it matches only itself', () => {
    expect(globMatch('prod1234', '*?*?*?*?')).toBe(false);
    expect(globMatch('a'.repeat(250), '*a*a*a*a*a*a*a*a*a*a*a*b')).toBe(false);
    expect(globMatch('*?*?*?*?', '*?*?*?*?')).toBe(true);
  });

  it('routes no alert through a subscription whose stored tag glob is over the cap', async () => {
    const old: Subscription = {
      id: 's1',
      dest: { platform: 'slack', channelId: 'C1' },
      topic: 'airflow.failures',
      filter: { tag: '*?*?*?*?' },
      createdBy: 'slack:U1',
      createdAt: new Date(0),
    };
    const store = {
      subscriptions: async () => [old],
      mutes: async () => [],
      postedRefs: async () => [],
      noteHeld: async () => undefined,
    };
    const message: Message = { title: 'etl failed' };

    const items = await routeAlerts(
      { store, defaults: [] },
      'airflow.failures',
      [{ key: 'airflow:etl:r1', kind: 'open', message, match: { dag: 'etl', tags: 'prod1234' }, subject: 'etl' }],
      new Date(0),
    );

    expect(items).toEqual([]);
  });
});
