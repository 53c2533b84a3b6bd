import { z } from 'zod';
import { defineCommand } from '../../bot/command.js';
import { formatLine } from '../../bot/command-line.js';
import { ago, code, stateIcon } from '../format.js';
import { dagId, limit } from '../ids.js';
import { orNotFound } from '../not-found.js';

export const runs = defineCommand({
  name: 'runs',
  summary: 'Recent runs of a DAG, newest first',
  permission: 'read',
  args: ['dag'],
  options: z.object({
    dag: dagId,
    state: z.enum(['queued', 'running', 'success', 'failed']).optional().describe('Only runs in this state'),
    limit: limit(50, 10),
  }),
  async handler({ options: o, clients, signal, clock }) {
    const page = await orNotFound(
      clients.airflow.listDagRuns(
        { dagId: o.dag, states: o.state ? [o.state] : undefined, limit: o.limit, orderBy: '-run_after' },
        { signal },
      ),
      `DAG \`${o.dag}\``,
    );
    const now = clock.now();
    const what = o.state ? `${o.state} runs` : 'runs';
    if (page.items.length === 0) return { tone: 'info', text: `No ${what} of ${code(o.dag)}.` };
    return {
      title: `${page.items.length} of ${page.total} ${what} of ${o.dag}`,
      text: page.items
        .map((r) => `${stateIcon(r.state)} ${r.state} ${code(r.runId)} ${ago(r.startDate ?? r.queuedAt, now)}`)
        .join('\n'),
      actions: page.items.slice(0, 3).map((r) => ({
        kind: 'command' as const,
        label: `Run ${r.runId.slice(0, 40)}`,
        command: formatLine('run', [o.dag, r.runId]),
      })),
    };
  },
});
