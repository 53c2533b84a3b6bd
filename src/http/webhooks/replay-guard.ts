import type { NewOutboxItem, Store } from '../../store/store.js';
import { MAX_SKEW_MS } from './signatures.js';

// A copy verifies only while its signed timestamp is within MAX_SKEW_MS of our clock, so it can arrive at most
// 2 × MAX_SKEW_MS after the first one was accepted; the extra minute covers a clock step between the two.
const KEEP_MS = 2 * MAX_SKEW_MS + 60_000;

export interface ReplayGuard {
  /** Whether this delivery was accepted before (a replay, or an upstream retry of a delivery that went through). */
  seen(id: string): Promise<boolean>;
  /** Remembers the delivery and enqueues its posts together; false when another copy got there first. */
  accept(id: string, items?: NewOutboxItem[]): Promise<boolean>;
}

/** Remembers accepted webhook deliveries in the store, so neither a replay nor a restart in between brings one back. */
export function createReplayGuard(deps: {
  store: Pick<Store, 'seenDelivery' | 'commitDelivery'>;
  source: 'airflow' | 'mlflow';
  now: () => Date;
}): ReplayGuard {
  return {
    seen: (id) => deps.store.seenDelivery(deps.source, id),
    accept: (id, items = []) =>
      deps.store.commitDelivery(deps.source, id, new Date(deps.now().getTime() + KEEP_MS), items),
  };
}
