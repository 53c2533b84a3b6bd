import type { ActionRefs } from '../bot/action-refs.js';
import type { AuditEntry, AuditLog } from '../bot/audit-log.js';
import type { Message } from '../bot/message.js';
import type { Destination, PostedRef } from '../bot/types.js';

export type { AuditEntry };

export type Topic = 'airflow.failures' | 'mlflow.best' | 'mlflow.registry' | 'docker.health';

export interface Subscription {
  id: string;
  dest: Destination;
  topic: Topic;
  /** e.g. { dag: 'train_*' } or { experiment: 'churn', metric: 'accuracy', order: 'max' } */
  filter: Record<string, string>;
  createdBy: string;
  createdAt: Date;
}

export interface Mute {
  dest: Destination;
  /** A glob over the alert's subject (DAG id, service, model), '*' for all. */
  pattern: string;
  until: Date;
  createdBy: string;
}

export interface EndedMute extends Mute {
  held: number;
  titles: string[];
}

export interface NewOutboxItem {
  /** Idempotency key: one delivery per (key, destination). */
  key: string;
  dest: Destination;
  kind: 'post' | 'update' | 'reply';
  message: Message;
  /** For update/reply: the alert whose posted ref in this destination is edited or replied to. */
  alertKey?: string;
}

export interface OutboxItem extends NewOutboxItem {
  id: string;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
}

/** The audit log as the store keeps it: written by the core, read by `audit` and the recovery card. */
export interface AuditStore extends AuditLog {
  listAudit(q: { limit: number }): Promise<AuditEntry[]>;
  /** The newest entry of `verb` run on exactly these positional args with this outcome (who retried a run). */
  lastAudit(q: {
    verb: string;
    args: readonly string[];
    outcome: AuditEntry['outcome'];
  }): Promise<AuditEntry | undefined>;
}

export interface SubscriptionStore {
  subscribe(s: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription>;
  unsubscribe(id: string): Promise<boolean>;
  subscriptions(q?: { topic?: Topic; dest?: Destination }): Promise<Subscription[]>;
}

export interface MuteStore {
  setMute(m: Mute): Promise<void>;
  clearMute(dest: Destination, pattern: string): Promise<boolean>;
  mutes(now: Date): Promise<Mute[]>;
  /** Counts an alert a mute held back (the summary lists up to 10 titles). */
  noteHeld(dest: Destination, pattern: string, title: string): Promise<void>;
  /**
   * Removes mutes that ended by `now` and, in the same transaction, enqueues what `summarise` makes of those that
   * held something back, so a summary is neither lost nor sent twice.
   */
  closeEndedMutes(now: Date, summarise: (ended: EndedMute[]) => NewOutboxItem[]): Promise<number>;
}

/** Each watcher's opaque state, saved with the posts it produced. */
export interface CursorStore {
  getCursor(watcherId: string): Promise<string | undefined>;
  /** Saves the cursor and enqueues the posts in one transaction, so a crash can neither lose nor double them. */
  commitTick(watcherId: string, cursor: string, items: NewOutboxItem[]): Promise<void>;
}

/** Webhook deliveries already accepted, so a replay or an upstream retry posts nothing twice. */
export interface DeliveryStore {
  /** Whether a webhook delivery (source 'mlflow' or 'airflow', and its id) was accepted and is still remembered. */
  seenDelivery(source: string, id: string): Promise<boolean>;
  /**
   * Remembers a delivery until `keepUntil` and enqueues its posts in one transaction, so a retry or a replay can
   * neither double a post nor lose one. False, with nothing enqueued, when the delivery was already remembered.
   */
  commitDelivery(source: string, id: string, keepUntil: Date, items: NewOutboxItem[]): Promise<boolean>;
}

/** Posts waiting for delivery, and the refs of cards already posted (edited in place later). */
export interface OutboxStore {
  pendingOutbox(now: Date, limit: number): Promise<OutboxItem[]>;
  settleOutbox(
    id: string,
    result: { ref: PostedRef } | { error: string; retryAt?: Date; dead?: boolean },
  ): Promise<void>;
  postedRefs(alertKey: string): Promise<PostedRef[]>;
}

/**
 * All the bot's state, async throughout so a server-backed implementation fits the same shape. Each part is one
 * table (or two that change together) in src/store/sqlite/; a second implementation mirrors that split.
 */
export interface Store
  extends AuditStore,
    ActionRefs,
    SubscriptionStore,
    MuteStore,
    CursorStore,
    DeliveryStore,
    OutboxStore {
  close(): Promise<void>;
}
