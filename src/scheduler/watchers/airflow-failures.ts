import { maskSecretLines } from '../../bot/secrets/index.js';
import type { AirflowClient, DagRun } from '../../clients/airflow/types.js';
import { failureCard, recoveredCard, recoveredReply, retryingCard } from '../cards/airflow-cards.js';
import type { Alert, WatchContext, Watcher } from '../watcher.js';

type Port = Pick<AirflowClient, 'listDagRuns' | 'listTaskInstances' | 'taskLog'> &
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

interface Cursor {
  v: 1;
  since: string;
  /** The first poll's horizon: the overlap never reaches further back than WATCH_LOOKBACK did. */
  floor?: string;
  open: Record<string, OpenIncident>;
  windows: Record<string, DagWindow>;
  /** Runs already alerted (key -> ISO time), pruned after a week, so overlap and restarts never re-alert. */
  seen: Record<string, string>;
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

  async function changedRuns(since: Date, signal: AbortSignal): Promise<DagRun[]> {
    const out: DagRun[] = [];
    for (let offset = 0; offset < 2_000; offset += 100) {
      const page = await deps.airflow.listDagRuns(
        { dagId: '~', updatedSince: since, limit: 100, offset, orderBy: 'updated_at' },
        { signal },
      );
      out.push(...page.items);
      if (page.items.length < 100 || out.length >= page.total) break;
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
      const retriedBy = inc.runId === run.runId ? await deps.retriedBy?.(run.dagId, run.runId) : undefined;
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

  return {
    id: 'airflow-failures',
    topic: 'airflow.failures',
    async check(ctx: WatchContext) {
      const c = parseCursor(ctx.cursor, startedAt < ctx.now ? startedAt : ctx.now, lookbackMs);
      // The overlap covers clock skew between polls, but never reaches behind the first poll's look-back.
      const since = new Date(Math.max(Date.parse(c.since) - OVERLAP_MS, Date.parse(c.floor ?? c.since) || 0));
      const runs = await changedRuns(since, ctx.signal);
      runs.sort((a, b) => (a.endDate?.getTime() ?? 0) - (b.endDate?.getTime() ?? 0));
      const alerts: Alert[] = [];
      for (const run of runs) {
        const key = runKey(run.dagId, run.runId);
        const seenState = c.seen[key];
        const open = c.open[key];
        if (run.state === 'failed') {
          const sig = `failed@${run.endDate?.toISOString()}`;
          if (seenState === sig) continue;
          const again = !!open || (seenState?.startsWith('failed@') ?? false);
          alerts.push(await openAlert(run, c, ctx.now, ctx.signal, again));
          c.seen[key] = sig;
        } else if ((run.state === 'queued' || run.state === 'running') && open) {
          if (seenState?.startsWith('retrying@')) continue;
          c.seen[key] = `retrying@${ctx.now.toISOString()}`;
          alerts.push({
            key: open.cardKey,
            kind: 'update',
            message: retryingCard({ run, attempt: open.failures + 1 }),
            match: { dag: run.dagId },
            subject: run.dagId,
          });
        } else if (run.state === 'success' && Object.values(c.open).some((o) => o.dagId === run.dagId)) {
          alerts.push(...(await resolveAlerts(run, c, ctx.now)));
        }
      }
      for (const [k, v] of Object.entries(c.seen)) {
        const at = Date.parse(v.split('@')[1] ?? '');
        if (Number.isFinite(at) && ctx.now.getTime() - at > WEEK) delete c.seen[k];
      }
      c.since = ctx.now.toISOString();
      return { alerts, cursor: JSON.stringify(c) };
    },
  };
}
