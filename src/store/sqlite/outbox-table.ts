import type Database from 'better-sqlite3';
import type { Message } from '../../bot/message.js';
import type { Platform, PostedRef } from '../../bot/types.js';
import type { NewOutboxItem, OutboxItem, OutboxStore } from '../store.js';
import { type DestRow, destKey, destOf } from './destination-columns.js';

interface OutboxRow extends DestRow {
  id: number;
  key: string;
  kind: string;
  message: string;
  alert_key: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Messages go through JSON; `timestamp` comes back a Date, as the renderers expect. */
export function reviveMessage(json: string): Message {
  return JSON.parse(json, (key, value: unknown) =>
    key === 'timestamp' && typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : value,
  ) as Message;
}

/** What the cursor, mute and delivery tables call inside their own transactions. */
export interface OutboxWriter {
  /** Synchronous on purpose: it must run inside the caller's transaction. */
  enqueue(items: readonly NewOutboxItem[], at: number): void;
}

/**
 * The `outbox` table and `posted_refs`, the refs of the cards it posted (settling a post writes both). Items are
 * idempotent per (key, destination): enqueueing one twice is a no-op.
 */
export function createOutboxTable(deps: { db: Database.Database; now: () => Date }): OutboxStore & OutboxWriter {
  const { db, now } = deps;
  const st = {
    enqueue: db.prepare(
      `INSERT INTO outbox (key, dest, platform, channel_id, thread_id, kind, message, alert_key, next_attempt_at, created_at)
       VALUES (@key, @dest, @platform, @channel_id, @thread_id, @kind, @message, @alert_key, @at, @at)
       ON CONFLICT (key, dest) DO NOTHING`,
    ),
    // A newer edit of a card makes older pending edits of it pointless, and sent late they would undo it.
    supersede: db.prepare(
      `UPDATE outbox SET state = 'sent', last_error = 'superseded by a newer edit', settled_at = @at
       WHERE state = 'pending' AND kind = 'update' AND alert_key = @alert_key AND platform = @platform
         AND channel_id = @channel_id AND key <> @key`,
    ),
    // A never-tried item is due whatever the caller's clock says, so a drainer on a fake clock still sees it.
    pending: db.prepare(
      `SELECT * FROM outbox WHERE state = 'pending' AND (attempts = 0 OR next_attempt_at <= @now)
       ORDER BY id LIMIT @limit`,
    ),
    getItem: db.prepare('SELECT id, key, kind, alert_key, platform, channel_id FROM outbox WHERE id = ?'),
    markSent: db.prepare(
      `UPDATE outbox SET state = 'sent', attempts = attempts + 1, posted_message_id = ?, settled_at = ?, last_error = NULL
       WHERE id = ?`,
    ),
    markRetry: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND state = 'pending'`,
    ),
    markDead: db.prepare(
      `UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, settled_at = ?
       WHERE id = ? AND state = 'pending'`,
    ),
    putRef: db.prepare(
      `INSERT INTO posted_refs (alert_key, platform, channel_id, message_id, posted_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (alert_key, platform, channel_id)
       DO UPDATE SET message_id = excluded.message_id, posted_at = excluded.posted_at`,
    ),
    listRefs: db.prepare(
      'SELECT platform, channel_id, message_id FROM posted_refs WHERE alert_key = ? ORDER BY posted_at, rowid',
    ),
  };

  const settleSent = db.transaction((id: number, ref: PostedRef, at: number) => {
    const item = st.getItem.get(id) as
      | { key: string; kind: string; alert_key: string | null; platform: string; channel_id: string }
      | undefined;
    if (!item) return;
    st.markSent.run(ref.messageId || null, at, id);
    // Only a posted card is a ref later items edit or reply to; an update or a thread reply must not replace it.
    if (item.kind === 'post' && ref.messageId) {
      st.putRef.run(item.alert_key ?? item.key, ref.platform, ref.channelId, ref.messageId, at);
    }
  });

  return {
    enqueue(items, at) {
      for (const item of items) {
        if (item.kind === 'update' && item.alertKey)
          st.supersede.run({
            at,
            alert_key: item.alertKey,
            platform: item.dest.platform,
            channel_id: item.dest.channelId,
            key: item.key,
          });
        st.enqueue.run({
          key: item.key,
          dest: destKey(item.dest),
          platform: item.dest.platform,
          channel_id: item.dest.channelId,
          thread_id: item.dest.threadId ?? '',
          kind: item.kind,
          message: JSON.stringify(item.message),
          alert_key: item.alertKey ?? null,
          at,
        });
      }
    },

    async pendingOutbox(at, limit) {
      const rows = st.pending.all({ now: at.getTime(), limit: Math.max(0, Math.floor(limit)) }) as OutboxRow[];
      return rows.map((r): OutboxItem => {
        const item: OutboxItem = {
          id: String(r.id),
          key: r.key,
          dest: destOf(r),
          kind: r.kind as OutboxItem['kind'],
          message: reviveMessage(r.message),
          attempts: r.attempts,
          nextAttemptAt: new Date(r.next_attempt_at),
          createdAt: new Date(r.created_at),
        };
        if (r.alert_key !== null) item.alertKey = r.alert_key;
        return item;
      });
    },

    async settleOutbox(id, result) {
      const rowId = Number(id);
      const at = now().getTime();
      if ('ref' in result) {
        settleSent(rowId, result.ref, at);
        return;
      }
      // Without a time to retry at there is nothing to wait for: the item is given up.
      if (result.dead || !result.retryAt) st.markDead.run(result.error, at, rowId);
      else st.markRetry.run(result.error, result.retryAt.getTime(), rowId);
    },

    async postedRefs(alertKey) {
      const rows = st.listRefs.all(alertKey) as { platform: string; channel_id: string; message_id: string }[];
      return rows.map((r) => ({ platform: r.platform as Platform, channelId: r.channel_id, messageId: r.message_id }));
    },
  };
}
