import { z } from 'zod';
import { experimentName, metricName } from '../../bot/ids.js';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { limit } from '../limit.js';
import { orNotFound } from '../not-found.js';

export const best = defineCommand({
  name: 'best',
  summary: 'Leaderboard of finished runs in an experiment by one metric',
  permission: 'read',
  args: ['experiment', 'metric'],
  options: z.object({
    experiment: experimentName,
    metric: metricName,
    min: z.boolean().default(false).describe('Lower is better (default: higher is better)'),
    limit: limit(25, 5),
  }),
  async handler({ options: o, clients, signal }) {
    const exp = await orNotFound(
      clients.mlflow.getExperimentByName(o.experiment, { signal }),
      `Experiment ${code(o.experiment)}`,
    );
    const order = o.min ? 'min' : 'max';
    const top = await clients.mlflow.bestRuns(
      { experimentIds: [exp.experimentId], metric: o.metric, order, limit: o.limit },
      { signal },
    );
    if (top.length === 0)
      return { tone: 'info', text: `No finished runs in ${code(exp.name)} have the metric ${code(o.metric)}.` };
    const lead = top[0];
    return {
      title: `Best ${o.metric} in ${exp.name} (${order === 'max' ? 'higher' : 'lower'} is better)`,
      text: top
        .map(
          (r, i) =>
            `${i + 1}. ${code(r.runName ?? r.runId)} ${esc(`${o.metric}=${r.metrics[o.metric]}`)} run ${code(r.runId)}`,
        )
        .join('\n'),
      actions: lead
        ? [
            { kind: 'link', label: 'Open best run', url: lead.url },
            { kind: 'link', label: 'Open experiment', url: exp.url },
          ]
        : [],
    };
  },
});
