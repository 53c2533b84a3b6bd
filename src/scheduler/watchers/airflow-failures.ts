import { isBotError } from '../../bot/errors.js';
import { maskSecretLines } from '../../bot/secrets/index.js';
import type { AirflowClient, DagRun } from '../../clients/airflow/types.js';
import { failureCard, recoveredCard, recoveredReply, retryingCard } from '../cards/airflow-cards.js';
import type { Alert, WatchContext, Watcher } from '../watcher.js';

type Port = Pick<AirflowClient, 'listDagRuns' | 'getDagRun' | 'listTaskInstances' | 'taskLog'> &
  Partial<Pick<AirflowClient, 'getDag'>>;

interface OpenIncident {
  dagId: string;
  runId: string;
  /** Where the card lives: the run's own key, or the group card it was folded into. */
  cardKey: string;
  openedAt: string;
  /** Failed attempts so far: the first failure and every failed retry. */
  failures: number;
  /** End of the latest failed attempt: only a success that ends later is a recovery. */
  failedAt?: string;
}

interface DagWindow {
  start: string;
  count: number;
  cardKey: string;
}

interface PendingRun {
  dagId: string;
  runId: string;
  /** When its card first failed to build: given up after a week, like `seen`. */
  since: string;
}

interface Cursor {
  v: 1;
  since: string;
  /**
   * `since` is where a read cut short by the per-tick cap stopped, an exact bound of what was read: the next read
   * starts there without the overlap, which could otherwise re-read more than the cap and never move on.
   */
  exact?: boolean;
  /** The first poll's horizon: the overlap never reaches further back than WATCH_LOOKBACK did. */
  floor?: string;
  open: Record<string, OpenIncident>;
  windows: Record<string, DagWindow>;
  /** Runs already alerted (key -> ISO time), pruned after a week, so overlap and restarts never re-alert. */
  seen: Record<string, string>;
  /** Runs whose card could not be built (their task lookup failed): fetched again and retried every tick. */
  pending?: Record<string, PendingRun>;
}

export interface AirflowFailureWatcherDeps {
  airflow: Port;
  /** How far back the very first poll looks. */
  lookbackMs?: number;
  /**
   * When the bot started. The first look-back counts from here, not from the first successful poll, so a first
   * poll that fails (Airflow down at start) cannot push the horizon past failures that happened meanwhile.
   */
  startedAt?: Date;
  logLines?: number;
  /** Who cleared a run from chat, when the audit log knows. */
  retriedBy?: (dagId: string, runId: string) => Promise<string | undefined>;
}

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
// Airflow's updated_at and our clock differ a little; overlap and dedupe through `seen` instead of missing runs.
const OVERLAP_MS = 60_000;
/** Runs read per tick at most; past it the window is narrowed, and the rest is read on the next ticks. */
const MAX_RUNS = 2_000;
const PAGE = 100;
/** Runs waiting for a retry at most; past it the oldest are given up, logged. */
const MAX_PENDING = 500;
// Literal names, not `\b[A-Za-z_.]*Error`: that prefix backtracks quadratically on a line such as `a.a.a.a…`.
const ERROR_LINE = /(?<![0-9])(?:Error|Exception|Interrupt)\b|Traceback|\bFAILED\b/;

export const runKey = (dagId: string, runId: string) => `airflow:${dagId}:${runId}`;

export function errorLineOf(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (line && ERROR_LINE.test(line) && !line.startsWith('Traceback')) return line;
  }
  return undefined;
}

function parseCursor(raw: string | undefined, from: Date, lookbackMs: number): Cursor {
  if (raw) {
    try {
      const c = JSON.parse(raw) as Cursor;
      if (c.v === 1) return c;
    } catch {
      // a corrupt cursor restarts from the look-back window rather than stopping the watcher
    }
  }
  const since = new Date(from.getTime() - lookbackMs).toISOString();
  return { v: 1, since, floor: since, open: {}, windows: {}, seen: {} };
}

/** One request per idle poll, whatever the number of DAGs: every run of every DAG updated since the cursor. */
export function createAirflowFailureWatcher(deps: AirflowFailureWatcherDeps): Watcher {
  const lookbackMs = deps.lookbackMs ?? HOUR;
  const startedAt = deps.startedAt ?? new Date();
  const logLines = deps.logLines ?? 30;

  const listWindow = (from: Date, to: Date, offset: number, limit: number, signal: AbortSignal) =>
    deps.airflow.listDagRuns(
      { dagId: '~', updatedSince: from, updatedUntil: to, limit, offset, orderBy: 'updated_at' },
      { signal },
    );

  /**
   * The end of a window from `from` that holds at most MAX_RUNS runs, by bisecting on updated_at with single-row
   * requests (their totals). Runs carry no updated_at in the API, so this is how the cursor learns where a capped
   * read really stopped. Only a backfill or an outage gets here.
   */
  async function narrowWindow(from: Date, until: Date, signal: AbortSignal): Promise<Date> {
    let lo = from.getTime();
    let hi = until.getTime();
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const n = (await listWindow(from, new Date(mid), 0, 1, signal)).total;
      if (n > MAX_RUNS) hi = mid;
      else {
        lo = mid;
        if (n >= MAX_RUNS / 2) return new Date(lo);
      }
    }
    // No window ends between half the cap and the cap: one millisecond holds more than half of it (a bulk update).
    // Read up to and through it whole, or the cursor could never move past it.
    return new Date(hi);
  }

  /** Every run updated in [from, until], or in a shorter [from, to] when that is more than the cap. */
  async function changedRuns(from: Date, until: Date, signal: AbortSignal): Promise<{ runs: DagRun[]; to: Date }> {
    let page = await listWindow(from, until, 0, PAGE, signal);
    let to = until;
    if (page.total > MAX_RUNS) {
      to = await narrowWindow(from, until, signal);
      page = await listWindow(from, to, 0, PAGE, signal);
    }
    const runs = [...page.items];
    while (page.items.length === PAGE && runs.length < page.total) {
      page = await listWindow(from, to, runs.length, PAGE, signal);
      runs.push(...page.items);
    }
    return { runs, to };
  }

  /** Runs whose card failed to build on an earlier tick and that this tick's read did not bring back. */
  async function pendingRuns(c: Cursor, read: DagRun[], ctx: WatchContext): Promise<DagRun[]> {
    const pending = c.pending ?? {};
    const readKeys = new Set(read.map((r) => runKey(r.dagId, r.runId)));
    const out: DagRun[] = [];
    for (const [key, p] of Object.entries(pending)) {
      if (readKeys.has(key)) continue;
      try {
        out.push(await deps.airflow.getDagRun(p.dagId, p.runId, { signal: ctx.signal }));
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        if (isBotError(err) && err.code === 'NOT_FOUND') delete pending[key];
        else ctx.log.warn({ dag: p.dagId, run: p.runId, err: (err as Error).message }, 'pending failed run not read');
      }
    }
    return out;
  }

  async function openAlert(run: DagRun, c: Cursor, now: Date, signal: AbortSignal, again: boolean): Promise<Alert> {
    const tis = await deps.airflow.listTaskInstances(run.dagId, run.runId, { signal });
    const failed = tis.filter((t) => t.state === 'failed');
    let logTail: string[] = [];
    const first = failed[0];
    if (first) {
      const log = await deps.airflow
        .taskLog(
          { dagId: run.dagId, runId: run.runId, taskId: first.taskId, lines: logLines, mapIndex: first.mapIndex },
          { signal },
        )
        .catch(() => undefined);
      // Cards go to whole channels: credentials a task printed stay masked.
      logTail = maskSecretLines(log?.lines ?? []);
    }
    // Tags let `subscribe failures --tag prod` pick DAGs; one request per new failure, none per idle poll.
    const dag = await deps.airflow.getDag?.(run.dagId, { signal }).catch(() => undefined);
    const match = { dag: run.dagId, tags: (dag?.tags ?? []).join(',') };
    const key = runKey(run.dagId, run.runId);
    const w = c.windows[run.dagId];
    const inWindow = w && now.getTime() - Date.parse(w.start) < HOUR;
    const count = inWindow ? w.count + 1 : 1;
    const message = failureCard({
      run,
      failedTasks: failed,
      logTail,
      errorLine: errorLineOf(logTail),
      countInWindow: count,
    });
    // From the third failure within the hour, the latest card counts instead of a new card being posted.
    const grouped = !again && inWindow && count >= 3;
    const cardKey = grouped ? w.cardKey : key;
    c.windows[run.dagId] = { start: inWindow ? w.start : now.toISOString(), count, cardKey };
    const prior = c.open[key];
    const incident = prior ?? { dagId: run.dagId, runId: run.runId, cardKey, openedAt: now.toISOString(), failures: 0 };
    incident.failures++;
    incident.failedAt = run.endDate?.toISOString() ?? now.toISOString();
    c.open[key] = incident;
    if (prior) return { key: prior.cardKey, kind: 'update', message, match, subject: run.dagId };
    // A run that fails again after a retry turns its own card red again instead of posting another.
    const kind = grouped || again ? 'update' : 'open';
    return { key: cardKey, kind, message, match, subject: run.dagId };
  }

  async function resolveAlerts(run: DagRun, c: Cursor, now: Date): Promise<Alert[]> {
    const alerts: Alert[] = [];
    const sameRun = c.open[runKey(run.dagId, run.runId)];
    const endedAt = run.endDate?.getTime() ?? now.getTime();
    // A success re-read through the overlap may have ended before the failure: that is no recovery.
    const laterThan = (o: OpenIncident) => !o.failedAt || endedAt > Date.parse(o.failedAt);
    const incidents = (sameRun ? [sameRun] : Object.values(c.open).filter((o) => o.dagId === run.dagId)).filter(
      laterThan,
    );
    for (const inc of incidents) {
      // A name on the card is a nicety: failing to find it must not hold back the recovery.
      const retriedBy =
        inc.runId === run.runId ? await deps.retriedBy?.(run.dagId, run.runId).catch(() => undefined) : undefined;
      const facts = {
        dagId: run.dagId,
        failedRunId: inc.runId,
        recoveredBy: run,
        retriedBy,
        attempts: inc.failures + 1,
        openedAt: new Date(inc.openedAt),
        now,
      };
      delete c.open[runKey(inc.dagId, inc.runId)];
      // A group card resolves once, when its last open run recovers.
      if (Object.values(c.open).some((o) => o.cardKey === inc.cardKey)) continue;
      alerts.push({
        key: inc.cardKey,
        kind: 'resolve',
        message: recoveredCard(facts),
        threadReply: recoveredReply(facts),
        match: { dag: run.dagId },
        subject: run.dagId,
      });
    }
    if (!Object.values(c.open).some((o) => o.dagId === run.dagId)) delete c.windows[run.dagId];
    return alerts;
  }

  async function alertsFor(run: DagRun, c: Cursor, ctx: WatchContext): Promise<Alert[]> {
    const key = runKey(run.dagId, run.runId);
    const seenState = c.seen[key];
    const open = c.open[key];
    if (run.state === 'failed') {
      const sig = `failed@${run.endDate?.toISOString()}`;
      if (seenState === sig) return [];
      const again = !!open || (seenState?.startsWith('failed@') ?? false);
      const alert = await openAlert(run, c, ctx.now, ctx.signal, again);
      c.seen[key] = sig;
      return [alert];
    }
    if ((run.state === 'queued' || run.state === 'running') && open) {
      if (seenState?.startsWith('retrying@')) return [];
      c.seen[key] = `retrying@${ctx.now.toISOString()}`;
      return [
        {
          key: open.cardKey,
          kind: 'update',
          message: retryingCard({ run, attempt: open.failures + 1 }),
          match: { dag: run.dagId },
          subject: run.dagId,
        },
      ];
    }
    if (run.state === 'success' && Object.values(c.open).some((o) => o.dagId === run.dagId))
      return resolveAlerts(run, c, ctx.now);
    return [];
  }

  function keepPending(c: Cursor, run: DagRun, now: Date, log: WatchContext['log']): void {
    const pending = c.pending ?? {};
    const key = runKey(run.dagId, run.runId);
    pending[key] = { dagId: run.dagId, runId: run.runId, since: pending[key]?.since ?? now.toISOString() };
    const keys = Object.keys(pending);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PENDING))) {
      log.error({ dag: pending[old]?.dagId, run: pending[old]?.runId }, 'too many failed runs pending: card given up');
      delete pending[old];
    }
    c.pending = pending;
  }

  return {
    id: 'airflow-failures',
    topic: 'airflow.failures',
    async check(ctx: WatchContext) {
      const c = parseCursor(ctx.cursor, startedAt < ctx.now ? startedAt : ctx.now, lookbackMs);
      // The overlap covers clock skew between polls, but never reaches behind the first poll's look-back.
      const from = c.exact
        ? new Date(c.since)
        : new Date(Math.max(Date.parse(c.since) - OVERLAP_MS, Date.parse(c.floor ?? c.since) || 0));
      const { runs, to } = await changedRuns(from, ctx.now, ctx.signal);
      runs.push(...(await pendingRuns(c, runs, ctx)));
      runs.sort((a, b) => (a.endDate?.getTime() ?? 0) - (b.endDate?.getTime() ?? 0));
      const alerts: Alert[] = [];
      for (const run of runs) {
        // One run whose tasks cannot be read must not hold back every other DAG's card: it waits for the next tick.
        try {
          alerts.push(...(await alertsFor(run, c, ctx)));
          if (c.pending) delete c.pending[runKey(run.dagId, run.runId)];
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          keepPending(c, run, ctx.now, ctx.log);
          ctx.log.warn(
            { dag: run.dagId, run: run.runId, err: (err as Error).message },
            'failed run not alerted yet: retrying next tick',
          );
        }
      }
      for (const [k, v] of Object.entries(c.seen)) {
        const at = Date.parse(v.split('@')[1] ?? '');
        if (Number.isFinite(at) && ctx.now.getTime() - at > WEEK) delete c.seen[k];
      }
      for (const [k, p] of Object.entries(c.pending ?? {}))
        if (ctx.now.getTime() - Date.parse(p.since) > WEEK) delete c.pending?.[k];
      if (c.pending && Object.keys(c.pending).length === 0) delete c.pending;
      c.since = to.toISOString();
      if (to < ctx.now) c.exact = true;
      else delete c.exact;
      return { alerts, cursor: JSON.stringify(c) };
    },
  };
}
