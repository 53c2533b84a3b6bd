import { z } from 'zod';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

export const dags = defineCommand({
  name: 'dags',
  summary: 'List DAGs, optionally those whose id contains a filter',
  permission: 'read',
  args: ['filter'],
  options: z.object({
    filter: z.string().max(250).optional().describe('Part of a DAG id, case-insensitive'),
    paused: z.boolean().optional().describe('Only paused (true) or only active (false) DAGs'),
  }),
  async handler({ options, clients, signal }) {
    const page = await clients.airflow.listDags(
      { pattern: options.filter, paused: options.paused, limit: 100 },
      { signal },
    );
    const scope = options.filter ? ` matching “${options.filter}”` : '';
    if (page.items.length === 0)
      return { tone: 'info', text: `No DAGs${options.filter ? ` matching ${code(options.filter)}` : ''}.` };
    const lines = page.items.map((d) => {
      const flags = [d.isPaused ? 'paused' : 'active', d.hasImportErrors ? 'import errors' : undefined]
        .filter(Boolean)
        .join(', ');
      const tags = d.tags.length ? ` · ${d.tags.map(esc).join(', ')}` : '';
      return `${code(d.dagId)} ${flags}${tags}`;
    });
    const shown = page.items.length < page.total ? `${page.items.length} of ${page.total}` : `${page.total}`;
    return { title: `${shown} DAG${page.total === 1 ? '' : 's'}${scope}`, text: lines.join('\n') };
  },
});
