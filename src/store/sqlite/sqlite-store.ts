import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BotError } from '../../bot/errors.js';
import type { Message } from '../../bot/message.js';
import type { Destination, Platform, PostedRef } from '../../bot/types.js';
import type {
  AlertState,
  AuditEntry,
  EndedMute,
  Mute,
  NewOutboxItem,
  OutboxItem,
  Store,
  Subscription,
  Topic,
} from '../store.js';
import { migrate } from './migrations.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** The clock for expiry and timestamps; tests pass a fake one. */
  now?: () => Date;
  busyTimeoutMs?: number;
}

interface AuditRow {
  at: number;
  actor: string;
  platform: string;
  channel: string;
  verb: string;
  line: string;
  outcome: string;
  duration_ms: number;
  detail: string | null;
}

interface DestRow {
  platform: string;
  channel_id: string;
  thread_id: string;
}

interface SubscriptionRow extends DestRow {
  id: string;
  topic: string;
  filter: string;
  created_by: string;
  created_at: number;
}

interface MuteRow extends DestRow {
  pattern: string;
  until: number;
  created_by: string;
}

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

/** One string per destination, for UNIQUE(key, dest). */
export function destKey(d: Destination): string {
  return `${d.platform}:${d.channelId}:${d.threadId ?? ''}`;
}

function destOf(row: DestRow): Destination {
  const d: Destination = { platform: row.platform as Platform, channelId: row.channel_id };
  if (row.thread_id) d.threadId = row.thread_id;
  return d;
}

/** Key order must not make two equal filters different rows. */
function canonicalFilter(filter: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(filter).sort(([a], [b]) => a.localeCompare(b))));
}

const shortId = (): string => randomBytes(6).toString('base64url');

function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // WAL lets the CLI read while the server writes; busy_timeout waits out the other's write lock.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BotError('CONFIG_INVALID', `cannot open the state store at ${path} (STATE_PATH): ${reason}`, {
      cause: err,
    });
  }
}

/** The default Store: one SQLite file, schema migrated on open. */
export function createSqliteStore(opts: SqliteStoreOptions): Store {
  const now = opts.now ?? (() => new Date());
  const db = openDatabase(opts.path, opts.busyTimeoutMs ?? 5000);

  const st = {
    insertAudit: db.prepare(
      `INSERT INTO audit (at, actor, platform, channel, verb, line, outcome, duration_ms, detail)
       VALUES (@at, @actor, @platform, @channel, @verb, @line, @outcome, @duration_ms, @detail)`,
    ),
    listAudit: db.prepare('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?'),
    purgeRefs: db.prepare('DELETE FROM action_refs WHERE expires_at <= ?'),
    insertRef: db.prepare('INSERT INTO action_refs (id, line, expires_at) VALUES (?, ?, ?)'),
    loadRef: db.prepare('SELECT line FROM action_refs WHERE id = ? AND expires_at > ?'),
    findSub: db.prepare(
      `SELECT * FROM subscriptions
       WHERE platform = ? AND channel_id = ? AND thread_id = ? AND topic = ? AND filter = ?`,
    ),
    insertSub: db.prepare(
      `INSERT INTO subscriptions (id, platform, channel_id, thread_id, topic, filter, created_by, created_at)
       VALUES (@id, @platform, @channel_id, @thread_id, @topic, @filter, @created_by, @created_at)`,
    ),
    deleteSub: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
    listSubs: db.prepare(
      `SELECT * FROM subscriptions
       WHERE (@topic IS NULL OR topic = @topic)
         AND (@platform IS NULL OR (platform = @platform AND channel_id = @channel_id AND thread_id = @thread_id))
       ORDER BY created_at, rowid`,
    ),
    upsertMute: db.prepare(
      `INSERT INTO mutes (platform, channel_id, thread_id, pattern, until, created_by)
       VALUES (@platform, @channel_id, @thread_id, @pattern, @until, @created_by)
       ON CONFLICT (platform, channel_id, thread_id, pattern)
       DO UPDATE SET until = excluded.until, created_by = excluded.created_by`,
    ),
    deleteMute: db.prepare('DELETE FROM mutes WHERE platform = ? AND channel_id = ? AND thread_id = ? AND pattern = ?'),
    // Ended mutes that held something back stay until closeEndedMutes has summarised them.
    purgeMutes: db.prepare('DELETE FROM mutes WHERE until <= ? AND held = 0'),
    holdOne: db.prepare(
      `UPDATE mutes SET held = held + 1,
         held_titles = CASE WHEN json_array_length(held_titles) < 10 THEN json_insert(held_titles, '$[#]', ?) ELSE held_titles END
       WHERE platform = ? AND channel_id = ? AND thread_id = ? AND pattern = ?`,
    ),
    endedMutes: db.prepare('SELECT * FROM mutes WHERE until <= ? ORDER BY until, pattern'),
    deleteEnded: db.prepare('DELETE FROM mutes WHERE until <= ?'),
    expireMute: db.prepare(
      'UPDATE mutes SET until = ? WHERE platform = ? AND channel_id = ? AND thread_id = ? AND pattern = ? AND until > ?',
    ),
    listMutes: db.prepare('SELECT * FROM mutes WHERE until > ? ORDER BY until, pattern'),
    getCursor: db.prepare('SELECT cursor FROM cursors WHERE watcher_id = ?'),
    putCursor: db.prepare(
      `INSERT INTO cursors (watcher_id, cursor, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (watcher_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ),
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
    seenDelivery: db.prepare('SELECT 1 FROM webhook_deliveries WHERE source = ? AND id = ? AND expires_at > ?'),
    purgeDeliveries: db.prepare('DELETE FROM webhook_deliveries WHERE expires_at <= ?'),
    insertDelivery: db.prepare(
      'INSERT INTO webhook_deliveries (source, id, expires_at) VALUES (?, ?, ?) ON CONFLICT (source, id) DO NOTHING',
    ),
    getAlert: db.prepare('SELECT * FROM alerts WHERE key = ?'),
    putAlert: db.prepare(
      `INSERT INTO alerts (key, state, data, updated_at) VALUES (@key, @state, @data, @updated_at)
       ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data, updated_at = excluded.updated_at`,
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

  const closeEnded = db.transaction((at: number, summarise: (ended: EndedMute[]) => NewOutboxItem[]) => {
    const rows = st.endedMutes.all(at) as (MuteRow & { held: number; held_titles: string })[];
    const ended = rows
      .filter((r) => r.held > 0)
      .map(
        (r): EndedMute => ({
          dest: destOf(r),
          pattern: r.pattern,
          until: new Date(r.until),
          createdBy: r.created_by,
          held: r.held,
          titles: JSON.parse(r.held_titles) as string[],
        }),
      );
    if (ended.length) enqueueAll(summarise(ended), at);
    st.deleteEnded.run(at);
    return ended.length;
  });

  const enqueueAll = (items: NewOutboxItem[], at: number) => {
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
  };

  const commitTick = db.transaction((watcherId: string, cursor: string, items: NewOutboxItem[], at: number) => {
    st.putCursor.run(watcherId, cursor, at);
    enqueueAll(items, at);
  });

  const commitDelivery = db.transaction(
    (source: string, id: string, keepUntil: number, items: NewOutboxItem[], at: number) => {
      st.purgeDeliveries.run(at);
      if (st.insertDelivery.run(source, id, keepUntil).changes === 0) return false;
      enqueueAll(items, at);
      return true;
    },
  );

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
    async audit(entry: AuditEntry) {
      st.insertAudit.run({
        at: entry.at.getTime(),
        actor: entry.actor,
        platform: entry.platform,
        channel: entry.channel,
        verb: entry.verb,
        line: entry.line,
        outcome: entry.outcome,
        duration_ms: Math.round(entry.durationMs),
        detail: entry.detail ?? null,
      });
    },

    async listAudit({ limit }) {
      const rows = st.listAudit.all(Math.max(0, Math.floor(limit))) as AuditRow[];
      return rows.map((r) => {
        const e: AuditEntry = {
          at: new Date(r.at),
          actor: r.actor,
          platform: r.platform as Platform,
          channel: r.channel,
          verb: r.verb,
          line: r.line,
          outcome: r.outcome as AuditEntry['outcome'],
          durationMs: r.duration_ms,
        };
        if (r.detail !== null) e.detail = r.detail;
        return e;
      });
    },

    async saveActionRef(line, ttlMs) {
      const at = now().getTime();
      st.purgeRefs.run(at);
      const id = shortId();
      st.insertRef.run(id, line, at + ttlMs);
      return id;
    },

    async loadActionRef(id) {
      const row = st.loadRef.get(id, now().getTime()) as { line: string } | undefined;
      return row?.line;
    },

    async subscribe(s) {
      const filter = canonicalFilter(s.filter);
      const thread = s.dest.threadId ?? '';
      const existing = st.findSub.get(s.dest.platform, s.dest.channelId, thread, s.topic, filter) as
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
      st.insertSub.run(row);
      return subscriptionOf(row);
    },

    async unsubscribe(id) {
      return st.deleteSub.run(id).changes > 0;
    },

    async subscriptions(q = {}) {
      const rows = st.listSubs.all({
        topic: q.topic ?? null,
        platform: q.dest?.platform ?? null,
        channel_id: q.dest?.channelId ?? null,
        thread_id: q.dest?.threadId ?? '',
      }) as SubscriptionRow[];
      return rows.map(subscriptionOf);
    },

    async setMute(m) {
      st.purgeMutes.run(now().getTime());
      st.upsertMute.run({
        platform: m.dest.platform,
        channel_id: m.dest.channelId,
        thread_id: m.dest.threadId ?? '',
        pattern: m.pattern,
        until: m.until.getTime(),
        created_by: m.createdBy,
      });
    },

    async clearMute(dest, pattern) {
      // Ending it now (rather than deleting) lets the next tick post the summary of what it held back.
      const at = now().getTime();
      const changed =
        st.expireMute.run(at, dest.platform, dest.channelId, dest.threadId ?? '', pattern, at).changes > 0;
      st.purgeMutes.run(at);
      return changed;
    },

    async noteHeld(dest, pattern, title) {
      st.holdOne.run(title.slice(0, 200), dest.platform, dest.channelId, dest.threadId ?? '', pattern);
    },

    async closeEndedMutes(at, summarise) {
      return closeEnded(at.getTime(), summarise);
    },

    async mutes(at) {
      const rows = st.listMutes.all(at.getTime()) as MuteRow[];
      return rows.map(
        (r): Mute => ({ dest: destOf(r), pattern: r.pattern, until: new Date(r.until), createdBy: r.created_by }),
      );
    },

    async getCursor(watcherId) {
      const row = st.getCursor.get(watcherId) as { cursor: string } | undefined;
      return row?.cursor;
    },

    async commitTick(watcherId, cursor, items) {
      commitTick(watcherId, cursor, items, now().getTime());
    },

    async seenDelivery(source, id) {
      return st.seenDelivery.get(source, id, now().getTime()) !== undefined;
    },

    async commitDelivery(source, id, keepUntil, items) {
      return commitDelivery(source, id, keepUntil.getTime(), items, now().getTime());
    },

    async getAlert(key) {
      const row = st.getAlert.get(key) as { key: string; state: string; data: string; updated_at: number } | undefined;
      if (!row) return undefined;
      return {
        key: row.key,
        state: row.state,
        data: JSON.parse(row.data) as Record<string, unknown>,
        updatedAt: new Date(row.updated_at),
      };
    },

    async putAlert(a: AlertState) {
      st.putAlert.run({ key: a.key, state: a.state, data: JSON.stringify(a.data), updated_at: a.updatedAt.getTime() });
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

    async close() {
      if (db.open) db.close();
    },
  };
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
