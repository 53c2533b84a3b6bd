import type { Destination, Platform } from '../../bot/types.js';

/** A destination as three columns; a missing thread is '' so it can be part of a key. */
export interface DestRow {
  platform: string;
  channel_id: string;
  thread_id: string;
}

/** One string per destination, for UNIQUE(key, dest). */
export function destKey(d: Destination): string {
  return `${d.platform}:${d.channelId}:${d.threadId ?? ''}`;
}

export function destOf(row: DestRow): Destination {
  const d: Destination = { platform: row.platform as Platform, channelId: row.channel_id };
  if (row.thread_id) d.threadId = row.thread_id;
  return d;
}
