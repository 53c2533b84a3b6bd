import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BestRunsQuery, MlflowClient, Run, SearchRunsQuery } from '../../../src/clients/mlflow/types.js';
import { bestRunCard } from '../../../src/scheduler/cards/mlflow-cards.js';
import { createMlflowBestWatcher, watchesFromSubscriptions } from '../../../src/scheduler/watchers/mlflow-best.js';

type Port = Pick<MlflowClient, 'getExperimentByName' | 'searchRuns' | 'bestRuns'>;

class FakeMlflowRuns implements Port {
  runs: Run[] = [];
  searches: SearchRunsQuery[] = [];
  add(runId: string, accuracy: number, endMs: number): void {
    this.runs.push({
      runId,
      experimentId: '7',
      status: 'FINISHED',
      endTime: new Date(endMs),
      metrics: { accuracy },
      params: { n_estimators: '100', max_depth: '5' },
      tags: {},
      url: `http://mlflow/#/experiments/7/runs/${runId}`,
    });
  }
  async getExperimentByName(name: string) {
    return {
      experimentId: '7',
      name,
      lifecycleStage: 'active' as const,
      tags: {},
      url: 'http://mlflow/#/experiments/7',
    };
  }
  async bestRuns(q: BestRunsQuery) {
    const sorted = [...this.runs].sort((a, b) => (b.metrics[q.metric] ?? 0) - (a.metrics[q.metric] ?? 0));
    return q.order === 'max' ? sorted.slice(0, 1) : sorted.reverse().slice(0, 1);
  }
  async searchRuns(q: SearchRunsQuery) {
    this.searches.push(q);
    const since = Number(/end_time > (\d+)/.exec(q.filter ?? '')?.[1] ?? 0);
    return { items: this.runs.filter((r) => (r.endTime?.getTime() ?? 0) > since) };
  }
}

const log = pino({ level: 'silent' });
const T0 = Date.parse('2026-11-26T10:00:00Z');

describe('the MLflow best-metric watcher', () => {
  it('posts once for a run that beats the best so far, with the delta, and nothing for a worse run', async () => {
    const mlflow = new FakeMlflowRuns();
    mlflow.add('old', 0.9, T0 - 60_000);
    const w = createMlflowBestWatcher({
      mlflow,
      watches: async () => [{ experiment: 'churn', metric: 'accuracy', order: 'max' }],
    });
    const signal = new AbortController().signal;
    const first = await w.check({ now: new Date(T0), log, signal });
    expect(first.alerts).toEqual([]);

    mlflow.add('better', 0.95, T0 + 10_000);
    mlflow.add('worse', 0.8, T0 + 20_000);
    const second = await w.check({ cursor: first.cursor, now: new Date(T0 + 30_000), log, signal });
    expect(second.alerts).toHaveLength(1);
    const card = second.alerts[0]?.message;
    expect(card?.title).toBe('New best accuracy in churn: 0.95');
    expect(card?.fields?.find((f) => f.label === 'Δ vs previous best')?.value).toBe('+0.05 (was 0.9)');
    expect(card?.fields?.find((f) => f.label === 'Params')?.value).toBe('max_depth=5, n_estimators=100');

    const third = await w.check({ cursor: second.cursor, now: new Date(T0 + 60_000), log, signal });
    expect(third.alerts).toEqual([]);
  });

  it('covers every watched experiment with one search per poll', async () => {
    const mlflow = new FakeMlflowRuns();
    const w = createMlflowBestWatcher({
      mlflow,
      watches: async () => [
        { experiment: 'churn', metric: 'accuracy', order: 'max' },
        { experiment: 'churn', metric: 'loss', order: 'min' },
      ],
    });
    const signal = new AbortController().signal;
    const first = await w.check({ now: new Date(T0), log, signal });
    mlflow.searches = [];
    await w.check({ cursor: first.cursor, now: new Date(T0 + 30_000), log, signal });
    expect(mlflow.searches).toHaveLength(1);
  });

  it('reads its watches from best subscriptions, one per experiment, metric and order', () => {
    const base = {
      dest: { platform: 'slack' as const, channelId: 'C1' },
      topic: 'mlflow.best' as const,
      createdBy: 'x',
      createdAt: new Date(),
    };
    const watches = watchesFromSubscriptions([
      { ...base, id: '1', filter: { experiment: 'churn', metric: 'f1' } },
      { ...base, id: '2', filter: { experiment: 'churn', metric: 'f1', order: 'max' } },
      { ...base, id: '3', filter: { experiment: 'churn', metric: 'rmse', order: 'min' } },
      { ...base, id: '4', filter: {} },
    ]);
    expect(watches).toEqual([
      { experiment: 'churn', metric: 'f1', order: 'max' },
      { experiment: 'churn', metric: 'rmse', order: 'min' },
    ]);
  });

  it.each([
    [1230.4, '1230'],
    [0.5, '0.5'],
    [1.00001, '1'],
    [0.91234, '0.9123'],
    [1.5e-7, '1.500e-7'],
  ])('shows a best value of %s as %s on the card', (value, shown) => {
    const run: Run = { runId: 'r1', experimentId: '7', status: 'FINISHED', metrics: {}, params: {}, tags: {}, url: '' };

    const card = bestRunCard({ experiment: 'churn', metric: 'rmse', order: 'min', run, value });

    expect(card.fields?.find((f) => f.label === 'rmse')?.value).toBe(shown);
  });
});
