import type Database from 'better-sqlite3';
import type { Subscription, SubscriptionStore, Topic } from '../store.js';
import { type DestRow, destOf } from './destination-columns.js';
import { shortId } from './short-id.js';

interface SubscriptionRow extends DestRow {
  id: string;
  topic: string;
  filter: string;
  created_by: string;
  created_at: number;
}

/** Key order must not make two equal filters different rows. */
function canonicalFilter(filter: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(filter).sort(([a], [b]) => a.localeCompare(b))));
}

function subscriptionOf(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    dest: destOf(r),
    topic: r.topic as Topic,
    filter: JSON.parse(r.filter) as Record<string, string>,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}

/** The `subscriptions` table: one row per destination, topic and filter; subscribing twice returns the first. */
export function createSubscriptionsTable(deps: { db: Database.Database; now: () => Date }): SubscriptionStore {
  const { db, now } = deps;
  const st = {
    find: db.prepare(
      `SELECT * FROM subscriptions
       WHERE platform = ? AND channel_id = ? AND thread_id = ? AND topic = ? AND filter = ?`,
    ),
    insert: db.prepare(
      `INSERT INTO subscriptions (id, platform, channel_id, thread_id, topic, filter, created_by, created_at)
       VALUES (@id, @platform, @channel_id, @thread_id, @topic, @filter, @created_by, @created_at)`,
    ),
    delete: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
    list: db.prepare(
      `SELECT * FROM subscriptions
       WHERE (@topic IS NULL OR topic = @topic)
         AND (@platform IS NULL OR (platform = @platform AND channel_id = @channel_id AND thread_id = @thread_id))
       ORDER BY created_at, rowid`,
    ),
  };
  return {
    async subscribe(s) {
      const filter = canonicalFilter(s.filter);
      const thread = s.dest.threadId ?? '';
      const existing = st.find.get(s.dest.platform, s.dest.channelId, thread, s.topic, filter) as
        | SubscriptionRow
        | undefined;
      if (existing) return subscriptionOf(existing);
      const row: SubscriptionRow = {
        id: shortId(),
        platform: s.dest.platform,
        channel_id: s.dest.channelId,
        thread_id: thread,
        topic: s.topic,
        filter,
        created_by: s.createdBy,
        created_at: now().getTime(),
      };
      st.insert.run(row);
      return subscriptionOf(row);
    },
    async unsubscribe(id) {
      return st.delete.run(id).changes > 0;
    },
    async subscriptions(q = {}) {
      const rows = st.list.all({
        topic: q.topic ?? null,
        platform: q.dest?.platform ?? null,
        channel_id: q.dest?.channelId ?? null,
        thread_id: q.dest?.threadId ?? '',
      }) as SubscriptionRow[];
      return rows.map(subscriptionOf);
    },
  };
}
