import { commandAction } from '../../bot/command-action.js';
import { code, esc, type Message } from '../../bot/message.js';
import type { DagRun, TaskInstance } from '../../clients/airflow/types.js';

export interface FailureFacts {
  run: DagRun;
  failedTasks: TaskInstance[];
  logTail: string[];
  errorLine?: string;
  /** Failures of this DAG in the current one-hour window, this one included. */
  countInWindow: number;
}

const fmtDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
};

export function runDuration(run: DagRun): string | undefined {
  if (!run.startDate || !run.endDate) return undefined;
  return fmtDuration(run.endDate.getTime() - run.startDate.getTime());
}

export function failureCard(f: FailureFacts): Message {
  const first = f.failedTasks[0];
  const repeated = f.countInWindow >= 3;
  const fields = [
    { label: 'DAG', value: f.run.dagId, inline: true },
    { label: 'Run', value: f.run.runId, inline: true },
    {
      label: f.failedTasks.length > 1 ? 'Failed tasks' : 'Failed task',
      value:
        f.failedTasks.map((t) => (t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId)).join(', ') || 'unknown',
      inline: true,
    },
  ];
  const duration = runDuration(f.run);
  if (duration) fields.push({ label: 'Duration', value: duration, inline: true });
  if (first) fields.push({ label: 'Try', value: String(first.tryNumber), inline: true });
  if (repeated) fields.push({ label: 'Failures in the last hour', value: String(f.countInWindow), inline: true });
  const actions: Message['actions'] = [
    commandAction('Retry', 'retry', [f.run.dagId, f.run.runId], {}, 'danger'),
    ...(first ? [commandAction('Logs', 'logs', [f.run.dagId, f.run.runId, first.taskId])] : []),
    commandAction('Mute 1h', 'mute', [f.run.dagId, '1h']),
    { kind: 'link', label: 'Open in Airflow', url: first?.logUrl ?? f.run.url },
  ];
  return {
    title: repeated ? `${f.run.dagId} failed ${f.countInWindow} times in the last hour` : `${f.run.dagId} failed`,
    tone: 'error',
    // The error line is the task's own output: shown as code, whatever quotes, backticks or links it holds.
    text: f.errorLine ? code(f.errorLine.slice(0, 300)) : undefined,
    fields,
    code: f.logTail.length ? { body: f.logTail.join('\n'), lang: 'text' } : undefined,
    actions,
    timestamp: f.run.endDate,
  };
}

export interface RecoveryFacts {
  dagId: string;
  failedRunId: string;
  /** The run that succeeded: the same run after a retry, or the DAG's next run. */
  recoveredBy: DagRun;
  retriedBy?: string;
  attempts: number;
  openedAt: Date;
  now: Date;
}

export function recoveredCard(r: RecoveryFacts): Message {
  const sameRun = r.recoveredBy.runId === r.failedRunId;
  const how = sameRun
    ? `retried${r.retriedBy ? ` by ${esc(r.retriedBy)}` : ''}`
    : `next run ${esc(r.recoveredBy.runId)} succeeded`;
  return {
    title: `${r.dagId} recovered`,
    tone: 'success',
    text: `Recovered after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, ${fmtDuration(r.now.getTime() - r.openedAt.getTime())}: ${how}.`,
    fields: [
      { label: 'DAG', value: r.dagId, inline: true },
      { label: 'Failed run', value: r.failedRunId, inline: true },
      ...(sameRun ? [] : [{ label: 'Recovered by', value: r.recoveredBy.runId, inline: true }]),
    ],
    actions: [{ kind: 'link', label: 'Open in Airflow', url: r.recoveredBy.url }],
    timestamp: r.now,
  };
}

export function recoveredReply(r: RecoveryFacts): Message {
  const sameRun = r.recoveredBy.runId === r.failedRunId;
  return {
    tone: 'success',
    text: sameRun
      ? `Run ${esc(r.failedRunId)} succeeded after a retry${r.retriedBy ? ` by ${esc(r.retriedBy)}` : ''}.`
      : `Run ${esc(r.recoveredBy.runId)} of ${esc(r.dagId)} succeeded.`,
  };
}

export function retryingCard(r: { run: DagRun; attempt: number }): Message {
  return {
    title: `${r.run.dagId} retrying, attempt ${r.attempt}`,
    tone: 'warning',
    fields: [
      { label: 'DAG', value: r.run.dagId, inline: true },
      { label: 'Run', value: r.run.runId, inline: true },
      { label: 'State', value: r.run.state, inline: true },
    ],
    actions: [
      commandAction('Status', 'run', [r.run.dagId, r.run.runId]),
      { kind: 'link', label: 'Open in Airflow', url: r.run.url },
    ],
  };
}
