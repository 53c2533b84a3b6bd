import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/bot/message.js';
import type { ChatAdapter, Destination, Platform, PostedRef } from '../../../src/bot/types.js';
import { createScheduler } from '../../../src/scheduler/scheduler.js';
import type { Alert, Watcher } from '../../../src/scheduler/watcher.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

class RecordingAdapter implements Pick<ChatAdapter, 'post' | 'update'> {
  posts: { to: Destination; message: Message; ref: PostedRef }[] = [];
  edits: { ref: PostedRef; message: Message }[] = [];
  failNext: unknown[] = [];
  private seq = 0;
  constructor(readonly platform: Platform) {}
  async post(to: Destination, message: Message): Promise<PostedRef> {
    const err = this.failNext.shift();
    if (err) throw err;
    const ref = { platform: this.platform, channelId: to.channelId, messageId: `m${++this.seq}` };
    this.posts.push({ to, message, ref });
    return ref;
  }
  async update(ref: PostedRef, message: Message): Promise<void> {
    this.edits.push({ ref, message });
  }
}

class ScriptedWatcher implements Watcher {
  readonly id = 'scripted';
  readonly topic = 'airflow.failures' as const;
  next: Alert[] = [];
  async check() {
    const alerts = this.next;
    this.next = [];
    return { alerts, cursor: 'c' };
  }
}

const alert = (kind: Alert['kind'], title: string, dag = 'etl'): Alert => ({
  key: `airflow:${dag}:r1`,
  kind,
  message: { title, tone: kind === 'resolve' ? 'success' : 'error' },
  threadReply: kind === 'resolve' ? { text: 'recovered' } : undefined,
  match: { dag },
  subject: dag,
});

const slackOps: Destination = { platform: 'slack', channelId: 'C-OPS' };
const discordOps: Destination = { platform: 'discord', channelId: '111111111111111111' };

function setup(o: { path?: string; defaults?: Destination[] } = {}) {
  let t = new Date('2026-11-26T10:00:00Z').getTime();
  const clock = { now: () => new Date(t) };
  const store = createSqliteStore({ path: o.path ?? ':memory:', now: clock.now });
  const slack = new RecordingAdapter('slack');
  const discord = new RecordingAdapter('discord');
  const watcher = new ScriptedWatcher();
  const scheduler = createScheduler({
    watchers: [watcher],
    store,
    adapters: new Map<Platform, RecordingAdapter>([
      ['slack', slack],
      ['discord', discord],
    ]),
    defaults: o.defaults ?? [],
    log: pino({ level: 'silent' }),
    clock,
    intervalSec: 30,
  });
  return { store, slack, discord, watcher, scheduler, advance: (ms: number) => (t += ms), clock };
}

const subscribeFailures = (store: Store, dest: Destination, dag = '*') =>
  store.subscribe({ dest, topic: 'airflow.failures', filter: { dag }, createdBy: 'slack:U1' });

const muteOps = (s: ReturnType<typeof setup>, pattern: string, forMs: number) =>
  s.store.setMute({
    dest: slackOps,
    pattern,
    until: new Date(s.clock.now().getTime() + forMs),
    createdBy: 'slack:U1',
  });

describe('the scheduler and its outbox', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('posts a new incident once to each subscribed channel, then edits those same messages and replies in thread', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    await subscribeFailures(s.store, discordOps, 'et*');
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['etl failed']);
    expect(s.discord.posts.map((p) => p.message.title)).toEqual(['etl failed']);

    s.advance(60_000);
    s.watcher.next = [alert('resolve', 'etl recovered')];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.edits.map((e) => [e.ref.messageId, e.message.title])).toEqual([['m1', 'etl recovered']]);
    expect(s.discord.edits.map((e) => [e.ref.messageId, e.message.title])).toEqual([['m1', 'etl recovered']]);
    const replies = s.slack.posts.filter((p) => p.to.threadId);
    expect(replies.map((p) => [p.to.threadId, p.message.text])).toEqual([['m1', 'recovered']]);
  });

  it('sends nothing to a channel whose subscription filter does not match', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps, 'train_*');
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts).toEqual([]);
  });

  it('sends a tag subscription only the failures of DAGs carrying that tag', async () => {
    const s = setup();
    await s.store.subscribe({
      dest: slackOps,
      topic: 'airflow.failures',
      filter: { tag: 'prod' },
      createdBy: 'slack:U1',
    });
    s.watcher.next = [
      { ...alert('open', 'etl failed'), match: { dag: 'etl', tags: 'ml,prod' } },
      { ...alert('open', 'scratch failed', 'scratch'), match: { dag: 'scratch', tags: 'dev' } },
    ];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['etl failed']);
  });

  it('falls back to ALERT_CHANNELS when nobody subscribed', async () => {
    const s = setup({ defaults: [slackOps] });
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts).toHaveLength(1);
  });

  it('retries a post refused with 429 after the wait the platform asked for, and delivers it exactly once', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    s.slack.failNext = [Object.assign(new Error('rate limited'), { retryAfter: 2 })];
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts).toHaveLength(0);
    s.advance(1_000);
    await s.scheduler.drain();
    expect(s.slack.posts).toHaveLength(0);
    s.advance(1_500);
    await s.scheduler.drain();
    await s.scheduler.drain();
    expect(s.slack.posts).toHaveLength(1);
  });

  it('holds alerts back in a muted channel and summarises them when the mute ends', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    await muteOps(s, 'et*', 3_600_000);
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    s.watcher.next = [{ ...alert('open', 'etl failed again'), key: 'airflow:etl:r2' }];
    await s.scheduler.runOnce('scripted');
    expect(s.slack.posts).toEqual([]);

    s.advance(3_600_001);
    await s.scheduler.drain();
    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['Mute of et* ended: 2 alerts were held back']);
    expect(s.slack.posts[0]?.message.text).toBe('• etl failed\n• etl failed again');
    await s.scheduler.drain();
    expect(s.slack.posts).toHaveLength(1);
  });

  it('routes a pushed alert like a watcher’s and posts it, and drops the same delivery published again', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    const delivery = { source: 'airflow' as const, id: 'd-1', keepUntil: new Date(s.clock.now().getTime() + 60_000) };

    const first = await s.scheduler.publish('airflow.failures', [alert('open', 'etl failed')], delivery);
    const again = await s.scheduler.publish('airflow.failures', [alert('open', 'etl failed')], delivery);
    await s.scheduler.drain();

    expect([first, again]).toEqual([
      { accepted: true, queued: 1 },
      { accepted: false, queued: 0 },
    ]);
    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['etl failed']);
  });

  it('counts a pushed alert a mute holds back once, however often its delivery is replayed', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    await muteOps(s, 'etl', 60_000);
    const delivery = { source: 'mlflow' as const, id: 'd-2', keepUntil: new Date(s.clock.now().getTime() + 600_000) };

    for (let i = 0; i < 3; i++) await s.scheduler.publish('airflow.failures', [alert('open', 'etl failed')], delivery);
    s.advance(60_001);
    await s.scheduler.drain();

    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['Mute of etl ended: 1 alert was held back']);
  });

  it('keeps retrying a card through a ten-minute chat outage and delivers it once when chat is back', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    s.slack.failNext = Array.from({ length: 40 }, () => new Error('503 service unavailable'));
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    for (let i = 0; i < 120 && s.slack.failNext.length > 0; i++) {
      s.advance(5_000);
      await s.scheduler.drain();
    }
    s.slack.failNext = [];
    s.advance(300_000);
    await s.scheduler.drain();
    await s.scheduler.drain();
    expect(s.slack.posts.map((p) => p.message.title)).toEqual(['etl failed']);
  });

  it('drops an older pending edit of a card once a newer edit is written, so the card never goes back', async () => {
    const s = setup();
    await subscribeFailures(s.store, slackOps);
    s.watcher.next = [alert('open', 'etl failed')];
    await s.scheduler.runOnce('scripted');
    const originalUpdate = s.slack.update.bind(s.slack);
    let refuse = true;
    s.slack.update = async (ref, message) => {
      if (refuse) {
        refuse = false;
        throw Object.assign(new Error('rate limited'), { retryAfter: 60 });
      }
      return originalUpdate(ref, message);
    };
    s.advance(1_000);
    s.watcher.next = [alert('update', 'etl retrying')];
    await s.scheduler.runOnce('scripted');
    s.advance(1_000);
    s.watcher.next = [alert('resolve', 'etl recovered')];
    await s.scheduler.runOnce('scripted');
    s.advance(120_000);
    await s.scheduler.drain();
    expect(s.slack.edits.map((e) => e.message.title)).toEqual(['etl recovered']);
  });

  it('keeps pending posts across a restart and sends them once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlops-sched-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const first = setup({ path });
    await subscribeFailures(first.store, slackOps);
    first.slack.failNext = [new Error('socket hang up')];
    first.watcher.next = [alert('open', 'etl failed')];
    await first.scheduler.runOnce('scripted');
    expect(first.slack.posts).toHaveLength(0);
    await first.store.close();

    const second = setup({ path });
    second.advance(10_000);
    await second.scheduler.drain();
    expect(second.slack.posts.map((p) => p.message.title)).toEqual(['etl failed']);
    await second.scheduler.drain();
    expect(second.slack.posts).toHaveLength(1);
    await second.store.close();
  });
});

describe('watcher kicks', () => {
  it('share one waiting tick when many arrive while a tick runs', async () => {
    let checks = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Watcher = {
      id: 'slow',
      topic: 'airflow.failures',
      async check() {
        checks++;
        if (checks === 1) await gate;
        return { alerts: [], cursor: String(checks) };
      },
    };
    const store = createSqliteStore({ path: ':memory:' });
    const scheduler = createScheduler({
      watchers: [slow],
      store,
      adapters: new Map(),
      defaults: [],
      log: pino({ level: 'silent' }),
      intervalSec: 30,
    });
    const first = scheduler.runOnce('slow');
    while (checks === 0) await new Promise((r) => setImmediate(r));
    const kicks = Array.from({ length: 100 }, () => scheduler.runOnce('slow'));
    release();
    await Promise.all([first, ...kicks]);
    expect(checks).toBe(2);
    await store.close();
  });
});
