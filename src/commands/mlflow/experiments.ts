import { z } from 'zod';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

export const experiments = defineCommand({
  name: 'experiments',
  summary: 'List MLflow experiments, optionally those whose name contains a filter',
  permission: 'read',
  args: ['filter'],
  options: z.object({
    filter: z.string().max(250).optional().describe('Part of an experiment name, case-insensitive'),
  }),
  async handler({ options: o, clients, signal }) {
    // Filtering here rather than in MLflow's filter language keeps quotes in user input harmless.
    const page = await clients.mlflow.searchExperiments({ maxResults: 1000 }, { signal });
    const needle = o.filter?.toLowerCase();
    const found = page.items.filter(
      (e) => e.lifecycleStage === 'active' && (!needle || e.name.toLowerCase().includes(needle)),
    );
    const scope = o.filter ? ` matching “${o.filter}”` : '';
    if (found.length === 0)
      return { tone: 'info', text: `No experiments${o.filter ? ` matching ${code(o.filter)}` : ''}.` };
    return {
      title: `${found.length} experiment${found.length === 1 ? '' : 's'}${scope}`,
      text: found.map((e) => `${code(e.name)} id ${esc(e.experimentId)}`).join('\n'),
      actions: found.slice(0, 3).map((e) => ({ kind: 'link' as const, label: e.name.slice(0, 60), url: e.url })),
    };
  },
});
