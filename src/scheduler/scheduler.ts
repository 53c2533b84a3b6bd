import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../bot/clock.js';
import type { Logger } from '../bot/logger.js';
import type { ChatAdapter, Destination, Platform } from '../bot/types.js';
import type { Store, Topic } from '../store/store.js';
import { muteSummary } from './cards/mute-summary.js';
import { drainOutbox } from './outbox-drainer.js';
import { routeAlerts } from './route-alerts.js';
import type { Alert, Watcher } from './watcher.js';

export interface SchedulerDeps {
  watchers: readonly Watcher[];
  store: Pick<
    Store,
    | 'getCursor'
    | 'commitTick'
    | 'subscriptions'
    | 'mutes'
    | 'postedRefs'
    | 'pendingOutbox'
    | 'settleOutbox'
    | 'noteHeld'
    | 'closeEndedMutes'
    | 'seenDelivery'
    | 'commitDelivery'
  >;
  adapters: ReadonlyMap<Platform, Pick<ChatAdapter, 'post' | 'update'>>;
  defaults: readonly Destination[];
  log: Logger;
  clock?: Pick<Clock, 'now'>;
  /** Seconds between watcher ticks (WATCH_INTERVAL). */
  intervalSec: number;
  /** A single tick may not run longer than this. */
  tickTimeoutMs?: number;
}

export interface WatcherHealth {
  id: string;
  lastRunAt?: Date;
  lastOkAt?: Date;
  lastError?: string;
  consecutiveFailures: number;
}

/** A pushed delivery (a webhook call): who sent it, its id, and until when a copy of it counts as a replay. */
export interface Delivery {
  source: 'airflow' | 'mlflow';
  id: string;
  keepUntil: Date;
}

export interface Published {
  /** False for a delivery accepted before (a replay, or an upstream retry of one that went through): nothing queued. */
  accepted: boolean;
  /** Posts and edits enqueued for subscribed, unmuted destinations. */
  queued: number;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** One tick of one watcher: check, route, commit cursor + outbox atomically, deliver. Tests call this directly. */
  runOnce(id: string): Promise<void>;
  /**
   * Alerts that arrived by push rather than from a tick: routed like a watcher's, enqueued in one transaction with
   * the delivery that carried them, then delivered in the background. A push that only wakes a watcher publishes
   * no alerts, so its delivery is still remembered.
   */
  publish(topic: Topic, alerts: readonly Alert[], delivery: Delivery): Promise<Published>;
  drain(): Promise<void>;
  health(): WatcherHealth[];
}

/** node-cron expression for an interval in seconds: sub-minute intervals use the seconds field. */
export function cronFor(intervalSec: number): string {
  if (intervalSec < 60) return `*/${Math.max(1, Math.round(intervalSec))} * * * * *`;
  const minutes = Math.max(1, Math.round(intervalSec / 60));
  return minutes < 60 ? `*/${minutes} * * * *` : `0 */${Math.max(1, Math.round(minutes / 60))} * * *`;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const clock = deps.clock ?? { now: () => new Date() };
  const tasks: ScheduledTask[] = [];
  const health = new Map<string, WatcherHealth>(deps.watchers.map((w) => [w.id, { id: w.id, consecutiveFailures: 0 }]));
  let draining: Promise<void> | undefined;

  async function closeMutes(): Promise<void> {
    const now = clock.now();
    await deps.store.closeEndedMutes(now, (ended) =>
      ended.map((m) => ({
        key: `mute-summary:${m.pattern}:${m.until.getTime()}`,
        dest: m.dest,
        kind: 'post' as const,
        message: muteSummary(m),
      })),
    );
  }

  async function drain(): Promise<void> {
    // One drain at a time: two concurrent drains could pick the same pending item and post it twice.
    if (draining) return draining;
    draining = (async () => {
      try {
        await closeMutes().catch((err) => deps.log.warn({ err: (err as Error).message }, 'closing ended mutes failed'));
        await drainOutbox({ store: deps.store, adapters: deps.adapters, log: deps.log, now: () => clock.now() });
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  const queues = new Map<string, Promise<void>>();
  const waiting = new Map<string, Promise<void>>();

  /**
   * Ticks of one watcher never overlap: a kick during a tick waits for it, then runs once; further kicks while one
   * is already waiting share it (a hundred task-failure pushes cost one more tick, not a hundred).
   */
  function runOnce(id: string): Promise<void> {
    const queued = waiting.get(id);
    if (queued) return queued;
    const next = (queues.get(id) ?? Promise.resolve()).then(() => {
      waiting.delete(id);
      return tick(id);
    });
    waiting.set(id, next);
    const settled = next.catch(() => undefined);
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return next;
  }

  async function tick(id: string): Promise<void> {
    const w = deps.watchers.find((x) => x.id === id);
    if (!w) throw new Error(`no watcher ${id}`);
    const h = health.get(id) ?? { id, consecutiveFailures: 0 };
    const now = clock.now();
    h.lastRunAt = now;
    const log = deps.log.child({ watcher: id });
    try {
      const out = await w.check({
        cursor: await deps.store.getCursor(id),
        now,
        log,
        signal: AbortSignal.timeout(deps.tickTimeoutMs ?? 60_000),
      });
      const items = await routeAlerts({ store: deps.store, defaults: deps.defaults }, w.topic, out.alerts, now);
      await deps.store.commitTick(id, out.cursor, items);
      h.lastOkAt = now;
      h.lastError = undefined;
      h.consecutiveFailures = 0;
      if (out.alerts.length) log.info({ alerts: out.alerts.length, items: items.length }, 'watcher tick');
    } catch (err) {
      h.consecutiveFailures++;
      h.lastError = err instanceof Error ? err.message : String(err);
      log.warn({ err: h.lastError, failures: h.consecutiveFailures }, 'watcher tick failed');
    } finally {
      health.set(id, h);
    }
    await drain();
  }

  async function publish(topic: Topic, alerts: readonly Alert[], delivery: Delivery): Promise<Published> {
    const refused: Published = { accepted: false, queued: 0 };
    // Checked before routing: routing counts what a mute holds back, and a replay must not count twice.
    if (await deps.store.seenDelivery(delivery.source, delivery.id)) return refused;
    const items = await routeAlerts({ store: deps.store, defaults: deps.defaults }, topic, alerts, clock.now());
    // Written before the sender gets its answer: it retries a failed delivery, and the id keeps that from doubling.
    if (!(await deps.store.commitDelivery(delivery.source, delivery.id, delivery.keepUntil, items))) return refused;
    drain().catch((err) =>
      deps.log.warn({ err: (err as Error).message, source: delivery.source }, 'outbox drain after a push failed'),
    );
    return { accepted: true, queued: items.length };
  }

  return {
    runOnce,
    publish,
    drain,
    health: () => [...health.values()].map((h) => ({ ...h })),
    start() {
      for (const w of deps.watchers) {
        tasks.push(cron.schedule(cronFor(deps.intervalSec), () => runOnce(w.id), { name: w.id, noOverlap: true }));
      }
      // Retries of failed deliveries are due between ticks.
      tasks.push(cron.schedule('*/5 * * * * *', () => drain(), { name: 'outbox', noOverlap: true }));
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      tasks.length = 0;
      // Let running ticks finish before the store closes under them.
      await Promise.all([...queues.values()]);
      await draining;
    },
  };
}
