import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/bot/message.js';
import type { Destination } from '../../../src/bot/types.js';
import type { AuditEntry, NewOutboxItem, Store } from '../../../src/store/store.js';

/** Opens a fresh, empty store whose expiry clock is `now`. */
export type OpenStore = (now: () => Date) => Store | Promise<Store>;

const ops: Destination = { platform: 'slack', channelId: 'C0OPS' };
const ml: Destination = { platform: 'discord', channelId: '900' };
const thread: Destination = { platform: 'slack', channelId: 'C0OPS', threadId: '1700000000.000100' };

const card: Message = {
  title: 'train_churn failed',
  tone: 'error',
  fields: [{ label: 'Task', value: 'fit' }],
  timestamp: new Date('2026-03-14T09:26:53Z'),
};

const entry = (verb: string, at: Date, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  actor: 'slack:U1',
  platform: 'slack',
  channel: 'C0OPS',
  verb,
  line: `${verb} train_churn`,
  outcome: 'ok',
  durationMs: 12,
  ...extra,
});

const post = (key: string, dest: Destination = ops, extra: Partial<NewOutboxItem> = {}): NewOutboxItem => ({
  key,
  dest,
  kind: 'post',
  message: card,
  alertKey: key,
  ...extra,
});

/** The behaviour every Store implementation must show; run it against each one. */
export function describeStore(name: string, open: OpenStore): void {
  describe(`${name} store`, () => {
    let clock = new Date('2026-03-14T09:00:00Z');
    const now = (): Date => clock;
    const later = (ms: number): Date => new Date(clock.getTime() + ms);
    let store: Store;

    beforeEach(async () => {
      clock = new Date('2026-03-14T09:00:00Z');
      store = await open(now);
    });
    afterEach(async () => {
      await store.close();
    });

    describe('audit', () => {
      it('lists the newest entries first, up to the limit', async () => {
        await store.audit(entry('dags', later(0)));
        await store.audit(entry('trigger', later(2000), { outcome: 'PERMISSION_DENIED', detail: 'needs deploy' }));
        await store.audit(entry('status', later(1000)));
        const list = await store.listAudit({ limit: 2 });
        expect(list.map((e) => e.verb)).toEqual(['trigger', 'status']);
        expect(list[0]).toEqual(
          entry('trigger', later(2000), { outcome: 'PERMISSION_DENIED', detail: 'needs deploy' }),
        );
      });

      it('keeps the order of entries written in the same millisecond', async () => {
        for (const verb of ['a', 'b', 'c']) await store.audit(entry(verb, later(0)));
        expect((await store.listAudit({ limit: 10 })).map((e) => e.verb)).toEqual(['c', 'b', 'a']);
      });

      it('finds the newest entry of a verb on exactly these args and outcome', async () => {
        const retry = (actor: string, at: Date, args: string[], outcome: AuditEntry['outcome'] = 'ok') =>
          entry('retry', at, { actor, args, outcome, line: `retry ${args.join(' ')}` });
        await store.audit(retry('slack:OLD', later(0), ['train', 'r1']));
        await store.audit(retry('slack:NEW', later(1000), ['train', 'r1']));
        await store.audit(retry('slack:DENIED', later(2000), ['train', 'r1'], 'PERMISSION_DENIED'));
        await store.audit(retry('slack:OTHER', later(3000), ['train_v2', 'r1']));
        await store.audit(retry('slack:QUOTED', later(4000), ['train', '--r1']));

        const found = await store.lastAudit({ verb: 'retry', args: ['train', 'r1'], outcome: 'ok' });

        expect(found).toEqual(retry('slack:NEW', later(1000), ['train', 'r1']));
        expect((await store.lastAudit({ verb: 'retry', args: ['train', '--r1'], outcome: 'ok' }))?.actor).toBe(
          'slack:QUOTED',
        );
        expect(await store.lastAudit({ verb: 'retry', args: ['train'], outcome: 'ok' })).toBeUndefined();
        expect(await store.lastAudit({ verb: 'pause', args: ['train', 'r1'], outcome: 'ok' })).toBeUndefined();
      });
    });

    describe('action refs', () => {
      it('gives back the saved line by id until the ttl runs out', async () => {
        const line = `trigger train_churn ${'epochs=10 '.repeat(20)}`;
        const id = await store.saveActionRef(line, 60_000);
        expect(id.length).toBeLessThanOrEqual(20);
        expect(await store.loadActionRef(id)).toBe(line);
        clock = later(60_001);
        expect(await store.loadActionRef(id)).toBeUndefined();
      });

      it('answers undefined for an id it never gave', async () => {
        expect(await store.loadActionRef('nope')).toBeUndefined();
      });

      it('gives each saved line its own id', async () => {
        const a = await store.saveActionRef('status a', 60_000);
        const b = await store.saveActionRef('status b', 60_000);
        expect(a).not.toBe(b);
        expect(await store.loadActionRef(b)).toBe('status b');
      });
    });

    describe('subscriptions', () => {
      it('returns what was subscribed, with an id and creation time', async () => {
        const s = await store.subscribe({
          dest: ops,
          topic: 'airflow.failures',
          filter: { dag: 'train_*' },
          createdBy: 'slack:U1',
        });
        expect(s).toMatchObject({ dest: ops, topic: 'airflow.failures', filter: { dag: 'train_*' } });
        expect(s.createdAt).toEqual(clock);
        expect(await store.subscriptions()).toEqual([s]);
      });

      it('filters by topic and by destination, thread included', async () => {
        const a = await store.subscribe({ dest: ops, topic: 'airflow.failures', filter: {}, createdBy: 'u' });
        const b = await store.subscribe({ dest: ml, topic: 'airflow.failures', filter: {}, createdBy: 'u' });
        const c = await store.subscribe({
          dest: ops,
          topic: 'mlflow.best',
          filter: { experiment: 'churn' },
          createdBy: 'u',
        });
        const d = await store.subscribe({ dest: thread, topic: 'docker.health', filter: {}, createdBy: 'u' });
        expect(await store.subscriptions({ topic: 'airflow.failures' })).toEqual([a, b]);
        expect(await store.subscriptions({ dest: ops })).toEqual([a, c]);
        expect(await store.subscriptions({ dest: thread })).toEqual([d]);
        expect(await store.subscriptions({ topic: 'mlflow.best', dest: ml })).toEqual([]);
      });

      it('answers a repeated subscription with the existing one', async () => {
        const a = await store.subscribe({
          dest: ops,
          topic: 'mlflow.best',
          filter: { a: '1', b: '2' },
          createdBy: 'u',
        });
        const again = await store.subscribe({
          dest: ops,
          topic: 'mlflow.best',
          filter: { b: '2', a: '1' },
          createdBy: 'v',
        });
        expect(again.id).toBe(a.id);
        expect(await store.subscriptions()).toHaveLength(1);
      });

      it('unsubscribes by id and says whether there was one', async () => {
        const a = await store.subscribe({ dest: ops, topic: 'airflow.failures', filter: {}, createdBy: 'u' });
        expect(await store.unsubscribe(a.id)).toBe(true);
        expect(await store.unsubscribe(a.id)).toBe(false);
        expect(await store.subscriptions()).toEqual([]);
      });
    });

    describe('mutes', () => {
      it('lists a mute until it expires', async () => {
        const m = { dest: ops, pattern: 'train_*', until: later(3_600_000), createdBy: 'slack:U1' };
        await store.setMute(m);
        expect(await store.mutes(clock)).toEqual([m]);
        expect(await store.mutes(later(3_600_000))).toEqual([]);
      });

      it('replaces the mute for the same destination and pattern', async () => {
        await store.setMute({ dest: ops, pattern: '*', until: later(1000), createdBy: 'a' });
        await store.setMute({ dest: ops, pattern: '*', until: later(5000), createdBy: 'b' });
        await store.setMute({ dest: thread, pattern: '*', until: later(5000), createdBy: 'c' });
        const list = await store.mutes(clock);
        expect(list).toHaveLength(2);
        expect(list.find((m) => m.dest.threadId === undefined)).toMatchObject({ until: later(5000), createdBy: 'b' });
      });

      it('clears a mute and says whether there was one', async () => {
        await store.setMute({ dest: ops, pattern: 'etl_*', until: later(1000), createdBy: 'a' });
        expect(await store.clearMute(ops, 'other')).toBe(false);
        expect(await store.clearMute(ops, 'etl_*')).toBe(true);
        expect(await store.mutes(clock)).toEqual([]);
      });
    });

    describe('cursors and ticks', () => {
      it('has no cursor for a watcher that never ran', async () => {
        expect(await store.getCursor('airflow.failures')).toBeUndefined();
      });

      it('saves the cursor and enqueues the posts together', async () => {
        await store.commitTick('airflow.failures', '2026-03-14T09:00:00Z', [post('a'), post('b', ml)]);
        await store.commitTick('airflow.failures', '2026-03-14T09:05:00Z', []);
        expect(await store.getCursor('airflow.failures')).toBe('2026-03-14T09:05:00Z');
        const items = await store.pendingOutbox(clock, 10);
        expect(items.map((i) => [i.key, i.dest])).toEqual([
          ['a', ops],
          ['b', ml],
        ]);
      });

      it('keeps neither the cursor nor any item when one item cannot be written', async () => {
        await store.commitTick('w', 'c1', []);
        const broken = post('bad', ops, { kind: 'edit' as NewOutboxItem['kind'] });
        await expect(store.commitTick('w', 'c2', [post('good'), broken])).rejects.toThrow();
        expect(await store.getCursor('w')).toBe('c1');
        expect(await store.pendingOutbox(later(1), 10)).toEqual([]);
      });

      it('ignores an item enqueued again for the same key and destination', async () => {
        await store.commitTick('w', 'c1', [post('a')]);
        await store.commitTick('w', 'c2', [post('a'), post('a', ml)]);
        const items = await store.pendingOutbox(clock, 10);
        expect(items.map((i) => `${i.key}@${i.dest.platform}`)).toEqual(['a@slack', 'a@discord']);
        expect(await store.getCursor('w')).toBe('c2');
      });
    });

    describe('webhook deliveries', () => {
      it('remembers a delivery and enqueues its posts once, however often it is committed', async () => {
        expect(await store.seenDelivery('mlflow', 'd-1')).toBe(false);

        const first = await store.commitDelivery('mlflow', 'd-1', later(600_000), [post('a')]);
        const again = await store.commitDelivery('mlflow', 'd-1', later(600_000), [post('b')]);

        expect([first, again]).toEqual([true, false]);
        expect(await store.seenDelivery('mlflow', 'd-1')).toBe(true);
        expect((await store.pendingOutbox(clock, 10)).map((i) => i.key)).toEqual(['a']);
      });

      it('keeps sources apart', async () => {
        await store.commitDelivery('mlflow', 'same', later(600_000), []);

        expect(await store.seenDelivery('airflow', 'same')).toBe(false);
        expect(await store.commitDelivery('airflow', 'same', later(600_000), [])).toBe(true);
      });

      it('forgets a delivery once its time is up, and purges it', async () => {
        await store.commitDelivery('airflow', 'sig', later(600_000), []);

        clock = later(600_000);

        expect(await store.seenDelivery('airflow', 'sig')).toBe(false);
        expect(await store.commitDelivery('airflow', 'sig', later(600_000), [])).toBe(true);
      });

      it('remembers nothing when a post of the delivery cannot be written', async () => {
        const broken = post('bad', ops, { kind: 'edit' as NewOutboxItem['kind'] });

        await expect(store.commitDelivery('mlflow', 'd-2', later(600_000), [post('good'), broken])).rejects.toThrow();

        expect(await store.seenDelivery('mlflow', 'd-2')).toBe(false);
        expect(await store.pendingOutbox(later(1), 10)).toEqual([]);
      });
    });

    describe('outbox', () => {
      it('hands out due items oldest first with the message as it was, Dates included', async () => {
        const update: NewOutboxItem = { key: 'a#u', dest: thread, kind: 'update', message: card, alertKey: 'a' };
        await store.commitTick('w', 'c', [post('a'), update]);
        await store.commitTick('w', 'c', [post('b', ml, { alertKey: undefined })]);
        const items = await store.pendingOutbox(clock, 10);
        expect(items.map((i) => i.key)).toEqual(['a', 'a#u', 'b']);
        expect(items[1]).toMatchObject({ kind: 'update', dest: thread, alertKey: 'a', attempts: 0, message: card });
        expect(items[1]?.message.timestamp).toBeInstanceOf(Date);
        expect(items[2]?.alertKey).toBeUndefined();
        expect(items[0]?.nextAttemptAt).toEqual(clock);
        expect(await store.pendingOutbox(clock, 2)).toHaveLength(2);
      });

      it('waits for retryAt before handing out a failed item again, counting attempts', async () => {
        await store.commitTick('w', 'c', [post('a'), post('b')]);
        const [a] = await store.pendingOutbox(clock, 1);
        await store.settleOutbox(a!.id, { error: 'rate limited', retryAt: later(30_000) });
        expect((await store.pendingOutbox(later(29_999), 10)).map((i) => i.key)).toEqual(['b']);
        const retried = await store.pendingOutbox(later(30_000), 10);
        expect(retried.map((i) => i.key)).toEqual(['a', 'b']);
        expect(retried[0]).toMatchObject({ attempts: 1, nextAttemptAt: later(30_000) });
      });

      it('hands out a new item at once, even to a caller whose clock is behind the store', async () => {
        await store.commitTick('w', 'c', [post('a')]);
        expect((await store.pendingOutbox(later(-3_600_000), 10)).map((i) => i.key)).toEqual(['a']);
      });

      it('does not turn a sent item dead when a late failure is reported for it', async () => {
        await store.commitTick('w', 'c', [post('a')]);
        const [a] = await store.pendingOutbox(clock, 1);
        await store.settleOutbox(a!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: '1' } });
        await store.settleOutbox(a!.id, { error: 'timeout', dead: true });
        expect(await store.postedRefs('a')).toHaveLength(1);
        expect(await store.pendingOutbox(later(1), 10)).toEqual([]);
      });

      it('never hands out a dead item again', async () => {
        await store.commitTick('w', 'c', [post('a'), post('b')]);
        const [a, b] = await store.pendingOutbox(clock, 10);
        await store.settleOutbox(a!.id, { error: 'channel_not_found', retryAt: later(1), dead: true });
        await store.settleOutbox(b!.id, { error: 'no retry time' });
        expect(await store.pendingOutbox(later(86_400_000), 10)).toEqual([]);
      });

      it('marks a delivered post sent and records its ref under the alert key', async () => {
        await store.commitTick('w', 'c', [
          post('a#post', ops, { alertKey: 'a' }),
          post('a#post', ml, { alertKey: 'a' }),
        ]);
        const [s, d] = await store.pendingOutbox(clock, 10);
        await store.settleOutbox(s!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: '1700.1' } });
        await store.settleOutbox(d!.id, { ref: { platform: 'discord', channelId: '900', messageId: '42' } });
        expect(await store.pendingOutbox(later(1), 10)).toEqual([]);
        expect(await store.postedRefs('a')).toEqual([
          { platform: 'slack', channelId: 'C0OPS', messageId: '1700.1' },
          { platform: 'discord', channelId: '900', messageId: '42' },
        ]);
        expect(await store.postedRefs('a#post')).toEqual([]);
      });

      it('records a post without an alert key under its own key', async () => {
        await store.commitTick('w', 'c', [post('notice-1', ops, { alertKey: undefined })]);
        const [item] = await store.pendingOutbox(clock, 1);
        await store.settleOutbox(item!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: '1' } });
        expect(await store.postedRefs('notice-1')).toEqual([{ platform: 'slack', channelId: 'C0OPS', messageId: '1' }]);
      });

      it('keeps the card ref when an update or thread reply to it is settled', async () => {
        await store.commitTick('w', 'c', [post('a#post', ops, { alertKey: 'a' })]);
        const [p] = await store.pendingOutbox(clock, 1);
        await store.settleOutbox(p!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: 'card' } });
        await store.commitTick('w', 'c', [
          { key: 'a#update', dest: ops, kind: 'update', message: card, alertKey: 'a' },
          { key: 'a#reply', dest: ops, kind: 'reply', message: card, alertKey: 'a' },
        ]);
        const [u, r] = await store.pendingOutbox(clock, 10);
        await store.settleOutbox(u!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: '' } });
        await store.settleOutbox(r!.id, { ref: { platform: 'slack', channelId: 'C0OPS', messageId: 'reply' } });
        expect(await store.postedRefs('a')).toEqual([{ platform: 'slack', channelId: 'C0OPS', messageId: 'card' }]);
        expect(await store.pendingOutbox(later(1), 10)).toEqual([]);
      });

      it('has no refs for an alert never posted', async () => {
        expect(await store.postedRefs('never')).toEqual([]);
      });
    });
  });
}
