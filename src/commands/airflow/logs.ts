import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { dagId, runId, taskId } from '../../bot/ids.js';
import { code } from '../../bot/message.js';
import { maskSecretLines } from '../../bot/secrets/index.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';

export const logs = defineCommand({
  name: 'logs',
  summary: 'The tail of a task log',
  permission: 'operate',
  readsLogs: true,
  args: ['dag', 'run_id', 'task'],
  options: z.object({
    dag: dagId,
    run_id: runId,
    task: taskId,
    try: z.number().int().min(1).max(100).optional().describe('Attempt number (default: the latest)'),
    lines: z.number().int().min(1).max(2000).default(100).describe('How many trailing lines (default 100)'),
  }),
  async handler({ options: o, clients, signal }) {
    const log = await orNotFound(
      clients.airflow.taskLog(
        { dagId: o.dag, runId: o.run_id, taskId: o.task, tryNumber: o.try, lines: o.lines },
        { signal },
      ),
      `Task ${code(o.task)} of run ${code(o.run_id)}`,
    );
    const cut = log.truncated ? ` (last ${log.lines.length} lines; ${log.truncated} earlier lines not shown)` : '';
    return {
      title: `${o.task}, try ${log.tryNumber}${cut}`,
      code: { body: maskSecretLines(log.lines).join('\n') || '(empty log)' },
      fields: [{ label: 'Run', value: o.run_id }],
      actions: [
        commandAction('Run', 'run', [o.dag, o.run_id]),
        { kind: 'link', label: 'Open log in Airflow', url: log.url },
      ],
    };
  },
});
