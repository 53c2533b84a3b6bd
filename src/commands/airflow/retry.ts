import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { dagId, runId } from '../../bot/ids.js';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';

export const retry = defineCommand({
  name: 'retry',
  summary: 'Clear the failed tasks of a run so Airflow runs them again',
  permission: 'operate',
  reply: 'channel',
  args: ['dag', 'run_id'],
  options: z.object({ dag: dagId, run_id: runId }),
  async confirm({ options: o, clients, signal }) {
    const dry = await orNotFound(
      clients.airflow.clearFailed({ dagId: o.dag, runId: o.run_id, dryRun: true }, { signal }),
      `Run ${code(o.run_id)} of DAG ${code(o.dag)}`,
    );
    if (dry.tasks.length === 0)
      throw userError('CONFLICT', `Run ${code(o.run_id)} of ${code(o.dag)} has no failed tasks; nothing to clear.`);
    return {
      title: `Clear ${dry.tasks.length} task${dry.tasks.length === 1 ? '' : 's'} of ${o.dag}?`,
      tone: 'warning',
      fields: [{ label: 'Run', value: o.run_id }],
      text: dry.tasks.map((t) => `${code(t.taskId)} ${esc(t.state)}`).join('\n'),
    };
  },
  async handler({ options: o, clients, signal }) {
    const done = await orNotFound(
      clients.airflow.clearFailed({ dagId: o.dag, runId: o.run_id, dryRun: false }, { signal }),
      `Run ${code(o.run_id)} of DAG ${code(o.dag)}`,
    );
    return {
      title: `Cleared ${done.tasks.length} task${done.tasks.length === 1 ? '' : 's'} of ${o.dag}`,
      tone: 'success',
      fields: [{ label: 'Run', value: o.run_id }],
      text: done.tasks.map((t) => code(t.taskId)).join(', ') || undefined,
      actions: [commandAction('Status', 'run', [o.dag, o.run_id])],
    };
  },
});
