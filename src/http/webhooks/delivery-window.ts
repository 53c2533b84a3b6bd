import type { Delivery } from '../../scheduler/scheduler.js';
import { MAX_SKEW_MS } from './signatures.js';

// A copy verifies only while its signed timestamp is within MAX_SKEW_MS of our clock, so it can arrive at most
// 2 × MAX_SKEW_MS after the first one was accepted; the extra minute covers a clock step between the two.
const KEEP_MS = 2 * MAX_SKEW_MS + 60_000;

/**
 * A webhook delivery as the scheduler remembers it: until no copy of it can verify any more, so neither a replay
 * nor a restart in between brings it back.
 */
export function deliveryOf(source: Delivery['source'], id: string, now: Date): Delivery {
  return { source, id, keepUntil: new Date(now.getTime() + KEEP_MS) };
}
