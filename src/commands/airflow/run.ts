import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { dagId, runId } from '../../bot/ids.js';
import { type Action, code, esc, type Message, type Tone } from '../../bot/message.js';
import type { DagRun, TaskInstance } from '../../clients/airflow/types.js';
import { defineCommand } from '../define-command.js';
import { duration, stateIcon } from '../format.js';
import { orNotFound } from '../not-found.js';

const TONE: Record<DagRun['state'], Tone> = { queued: 'info', running: 'info', success: 'success', failed: 'error' };

/** One run with its task states: also the body of trigger's progress edits. */
export function runMessage(run: DagRun, tasks: readonly TaskInstance[], now: Date): Message {
  const end = run.endDate ?? now;
  const took = run.startDate ? duration(end.getTime() - run.startDate.getTime()) : undefined;
  const failed = tasks.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
  const actions: Action[] = [];
  if (run.state === 'failed') actions.push(commandAction('Retry', 'retry', [run.dagId, run.runId], {}, 'primary'));
  const firstFailed = failed.find((t) => t.state === 'failed');
  if (firstFailed)
    actions.push(
      commandAction(`Logs ${firstFailed.taskId}`.slice(0, 60), 'logs', [run.dagId, run.runId, firstFailed.taskId]),
    );
  actions.push({ kind: 'link', label: 'Open in Airflow', url: run.url });
  return {
    title: `${run.dagId}: ${run.state}`,
    tone: TONE[run.state],
    fields: [
      { label: 'Run', value: run.runId },
      { label: 'Type', value: run.runType, inline: true },
      ...(took ? [{ label: run.endDate ? 'Took' : 'Running for', value: took, inline: true }] : []),
    ],
    text: tasks.length
      ? tasks
          .map((t) => {
            const d = t.durationSec !== undefined ? `, ${duration(t.durationSec * 1000)}` : '';
            const tries = t.tryNumber > 1 ? `, try ${t.tryNumber}` : '';
            return `${stateIcon(t.state)} ${code(t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId)} ${esc(t.state)}${d}${tries}`;
          })
          .join('\n')
      : undefined,
    actions,
  };
}

export const run = defineCommand({
  name: 'run',
  summary: 'One DAG run: state, task states and durations',
  permission: 'read',
  args: ['dag', 'run_id'],
  options: z.object({ dag: dagId, run_id: runId }),
  async handler({ options: o, clients, signal, clock }) {
    const what = `Run ${code(o.run_id)} of DAG ${code(o.dag)}`;
    const [dagRun, tasks] = await Promise.all([
      orNotFound(clients.airflow.getDagRun(o.dag, o.run_id, { signal }), what),
      orNotFound(clients.airflow.listTaskInstances(o.dag, o.run_id, { signal }), what),
    ]);
    return runMessage(dagRun, tasks, clock.now());
  },
});
