import type { Experiment, MlflowClient, ModelVersion, Run } from '../../clients/mlflow/types.js';
import type { Subscription } from '../../store/store.js';
import { bestRunCard } from '../cards/mlflow-cards.js';
import type { Alert, WatchContext, Watcher } from '../watcher.js';

type Port = Pick<MlflowClient, 'getExperimentByName' | 'searchRuns' | 'bestRuns'>;

interface Best {
  value: number;
  runId: string;
}

interface Cursor {
  v: 1;
  /** Epoch ms: runs that finished after this are new. */
  since: number;
  /** 'experiment|metric|order' -> best so far. */
  best: Record<string, Best>;
  /** experiment name -> id, so a tick costs one search. */
  ids: Record<string, string>;
}

export interface Watch {
  experiment: string;
  metric: string;
  order: 'max' | 'min';
}

export interface MlflowBestWatcherDeps {
  mlflow: Port;
  /** The watched (experiment, metric, order) triples: from `subscribe best ...` subscriptions. */
  watches: () => Promise<Watch[]>;
  /** The registered version of a run, when there is one, for the Promote button. */
  versionOfRun?: (runId: string) => Promise<ModelVersion | undefined>;
}

export function watchesFromSubscriptions(subs: Subscription[]): Watch[] {
  const out = new Map<string, Watch>();
  for (const s of subs) {
    const { experiment, metric } = s.filter;
    if (!experiment || !metric) continue;
    const order = s.filter.order === 'min' ? 'min' : 'max';
    out.set(`${experiment}|${metric}|${order}`, { experiment, metric, order });
  }
  return [...out.values()];
}

const better = (order: 'max' | 'min', a: number, b: number) => (order === 'max' ? a > b : a < b);

export function createMlflowBestWatcher(deps: MlflowBestWatcherDeps): Watcher {
  async function experimentId(c: Cursor, name: string, signal: AbortSignal): Promise<string | undefined> {
    const cached = c.ids[name];
    if (cached) return cached;
    const exp: Experiment | undefined = await deps.mlflow.getExperimentByName(name, { signal }).catch(() => undefined);
    if (exp) c.ids[name] = exp.experimentId;
    return exp?.experimentId;
  }

  return {
    id: 'mlflow-best',
    topic: 'mlflow.best',
    async check(ctx: WatchContext) {
      let c: Cursor = { v: 1, since: ctx.now.getTime(), best: {}, ids: {} };
      if (ctx.cursor) {
        try {
          const parsed = JSON.parse(ctx.cursor) as Cursor;
          if (parsed.v === 1) c = parsed;
        } catch {
          // start afresh from now: no backlog of notices from a corrupt cursor
        }
      }
      const watches = await deps.watches();
      const alerts: Alert[] = [];
      const byExp = new Map<string, Watch[]>();
      for (const w of watches) {
        const id = await experimentId(c, w.experiment, ctx.signal);
        if (!id) continue;
        // A new watch starts from the current best without announcing it.
        const k = `${w.experiment}|${w.metric}|${w.order}`;
        if (!c.best[k]) {
          const [top] = await deps.mlflow.bestRuns(
            { experimentIds: [id], metric: w.metric, order: w.order, limit: 1 },
            { signal: ctx.signal },
          );
          const v = top?.metrics[w.metric];
          c.best[k] = top && v !== undefined ? { value: v, runId: top.runId } : { value: Number.NaN, runId: '' };
        }
        byExp.set(id, [...(byExp.get(id) ?? []), w]);
      }
      const since = c.since;
      let newest = since;
      if (byExp.size > 0) {
        const runs: Run[] = [];
        let pageToken: string | undefined;
        // One search covers every watched experiment; paging only when many runs finished since the last tick.
        for (let page = 0; page < 10; page++) {
          const res = await deps.mlflow.searchRuns(
            {
              experimentIds: [...byExp.keys()],
              filter: `attributes.status = 'FINISHED' and attributes.end_time > ${since}`,
              orderBy: ['attributes.end_time ASC'],
              maxResults: 200,
              pageToken,
            },
            { signal: ctx.signal },
          );
          runs.push(...res.items);
          pageToken = res.nextPageToken;
          if (!pageToken) break;
        }
        for (const run of runs) {
          newest = Math.max(newest, run.endTime?.getTime() ?? since);
          for (const w of byExp.get(run.experimentId) ?? []) {
            const value = run.metrics[w.metric];
            if (value === undefined || !Number.isFinite(value)) continue;
            const k = `${w.experiment}|${w.metric}|${w.order}`;
            const prev = c.best[k];
            const hadBest = prev && Number.isFinite(prev.value);
            if (hadBest && prev && (!better(w.order, value, prev.value) || prev.runId === run.runId)) continue;
            c.best[k] = { value, runId: run.runId };
            const version = await deps.versionOfRun?.(run.runId).catch(() => undefined);
            alerts.push({
              key: `mlflow:best:${w.experiment}:${w.metric}:${w.order}:${run.runId}`,
              kind: 'notice',
              message: bestRunCard({
                experiment: w.experiment,
                metric: w.metric,
                order: w.order,
                run,
                value,
                previous: hadBest && prev ? prev : undefined,
                version,
              }),
              match: { experiment: w.experiment, metric: w.metric, order: w.order },
              subject: w.experiment,
            });
          }
        }
      }
      c.since = newest;
      return { alerts, cursor: JSON.stringify(c) };
    },
  };
}
