import type { Logger } from '../bot/logger.js';
import type { Message } from '../bot/message.js';
import type { Topic } from '../store/store.js';

export interface Alert {
  /** Incident or notice identity: 'airflow:<dag>:<run id>', 'mlflow:best:<exp>:<run id>'. */
  key: string;
  kind: 'notice' | 'open' | 'update' | 'resolve';
  message: Message;
  /** For resolve: a short line posted in the card's thread. */
  threadReply?: Message;
  /** Compared with subscription filters and mutes, e.g. { dag: 'train_model' }. */
  match: Record<string, string>;
  /** The subject a mute pattern is matched against (DAG id, service, model). */
  subject: string;
}

export interface WatchContext {
  cursor?: string;
  now: Date;
  log: Logger;
  signal: AbortSignal;
}

export interface Watcher {
  readonly id: string;
  readonly topic: Topic;
  check(ctx: WatchContext): Promise<{ alerts: Alert[]; cursor: string }>;
}
