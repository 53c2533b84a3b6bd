import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { dagId } from '../../bot/ids.js';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { ago, stateIcon } from '../format.js';
import { limit } from '../limit.js';
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
      `DAG ${code(o.dag)}`,
    );
    const now = clock.now();
    const what = o.state ? `${o.state} runs` : 'runs';
    if (page.items.length === 0) return { tone: 'info', text: `No ${what} of ${code(o.dag)}.` };
    return {
      title: `${page.items.length} of ${page.total} ${what} of ${o.dag}`,
      text: page.items
        .map((r) => `${stateIcon(r.state)} ${esc(r.state)} ${code(r.runId)} ${ago(r.startDate ?? r.queuedAt, now)}`)
        .join('\n'),
      actions: page.items.slice(0, 3).map((r) => commandAction(`Run ${r.runId.slice(0, 40)}`, 'run', [o.dag, r.runId])),
    };
  },
});
