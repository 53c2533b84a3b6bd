import type { Logger } from '../bot/logger.js';
import type { ChatAdapter, Platform, PostedRef } from '../bot/types.js';
import type { OutboxItem, OutboxStore } from '../store/store.js';

export interface DrainDeps {
  store: OutboxStore;
  adapters: ReadonlyMap<Platform, Pick<ChatAdapter, 'post' | 'update'>>;
  log: Logger;
  now: () => Date;
  /** An item still undelivered this long after it was written is given up (a long chat outage). */
  maxAgeMs?: number;
  batch?: number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  dead: number;
}

const MAX_BACKOFF_MS = 5 * 60_000;
const MAX_AGE_MS = 24 * 3_600_000;

/** Seconds to wait that the platform asked for (Slack's and Discord's 429s), when the error carries it. */
function retryAfterMs(err: unknown): number | undefined {
  const e = err as { retryAfter?: unknown; data?: { retryAfter?: unknown } } | undefined;
  const v = e?.retryAfter ?? e?.data?.retryAfter;
  return typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined;
}

class NotYetPosted extends Error {}

async function deliver(item: OutboxItem, deps: DrainDeps): Promise<PostedRef | undefined> {
  const adapter = deps.adapters.get(item.dest.platform);
  if (!adapter) throw new Error(`no ${item.dest.platform} adapter is running`);
  if (item.kind === 'post') return adapter.post(item.dest, item.message);
  const refs = await deps.store.postedRefs(item.alertKey ?? item.key);
  const ref = refs.find((r) => r.platform === item.dest.platform && r.channelId === item.dest.channelId);
  // The card's own post is still pending (or failed for good): wait for it rather than posting a stray edit.
  if (!ref) throw new NotYetPosted(`card ${item.alertKey} not posted in ${item.dest.channelId} yet`);
  if (item.kind === 'update') {
    await adapter.update(ref, item.message);
    return undefined;
  }
  return adapter.post({ ...item.dest, threadId: ref.messageId }, item.message);
}

/** Sends what is due; every item was written before this runs, so a crash here loses nothing. */
export async function drainOutbox(deps: DrainDeps): Promise<DrainResult> {
  const maxAgeMs = deps.maxAgeMs ?? MAX_AGE_MS;
  const result: DrainResult = { sent: 0, retried: 0, dead: 0 };
  const items = await deps.store.pendingOutbox(deps.now(), deps.batch ?? 50);
  for (const item of items) {
    try {
      const ref = await deliver(item, deps);
      // Thread replies are not cards: record no ref for them, or later edits would target the reply.
      if (ref && item.kind === 'post') await deps.store.settleOutbox(item.id, { ref });
      else
        await deps.store.settleOutbox(item.id, {
          ref: ref ?? { platform: item.dest.platform, channelId: item.dest.channelId, messageId: '' },
        });
      result.sent++;
    } catch (err) {
      const attempts = item.attempts + 1;
      // Give up by age, not by count: an outage of a few minutes must not drop the cards written during it.
      const dead = deps.now().getTime() - item.createdAt.getTime() >= maxAgeMs;
      const wait = retryAfterMs(err) ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
      const message = err instanceof Error ? err.message : String(err);
      await deps.store.settleOutbox(item.id, { error: message, retryAt: new Date(deps.now().getTime() + wait), dead });
      if (dead) {
        result.dead++;
        deps.log.error({ item: item.id, key: item.key, dest: item.dest, err: message }, 'outbox item gave up');
      } else {
        result.retried++;
        deps.log.warn(
          { item: item.id, key: item.key, attempts, waitMs: wait, err: message },
          'outbox delivery failed; will retry',
        );
      }
    }
  }
  return result;
}
