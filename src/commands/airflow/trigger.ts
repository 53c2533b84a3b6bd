import { z } from 'zod';
import type { Clock } from '../../bot/clock.js';
import { commandAction } from '../../bot/command-action.js';
import { dagId, runId } from '../../bot/ids.js';
import type { Logger } from '../../bot/logger.js';
import { code } from '../../bot/message.js';
import { redactJson } from '../../bot/secrets/index.js';
import type { ProgressSink } from '../../bot/types.js';
import type { AirflowClient, DagRunState } from '../../clients/airflow/types.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';
import { checkConfSize, confFromPairs, parseConfJson } from './conf.js';
import { runMessage } from './run.js';

export const PROGRESS_INTERVAL_MS = 3_000;
const SLOW_AFTER_MS = 120_000;
const TERMINAL: readonly DagRunState[] = ['success', 'failed'];

export interface FollowRunDeps {
  airflow: Pick<AirflowClient, 'getDagRun' | 'listTaskInstances'>;
  dagId: string;
  runId: string;
  progress: ProgressSink;
  clock: Clock;
  signal: AbortSignal;
  log: Logger;
  intervalMs?: number;
  initial: DagRunState;
}

/** Polls the run and edits the reply on each state change until it ends or the signal aborts. */
export async function followRun(d: FollowRunDeps): Promise<void> {
  let last: DagRunState = d.initial;
  const base = d.intervalMs ?? PROGRESS_INTERVAL_MS;
  const started = d.clock.now().getTime();
  while (!d.signal.aborted) {
    // Long runs (or a run queued behind a paused DAG) are polled five times less often after two minutes.
    const slow = d.clock.now().getTime() - started > SLOW_AFTER_MS;
    await d.clock.sleep(slow ? base * 5 : base, d.signal);
    let run: Awaited<ReturnType<typeof d.airflow.getDagRun>>;
    try {
      run = await d.airflow.getDagRun(d.dagId, d.runId, { signal: d.signal });
    } catch (err) {
      // A blip between polls is not the run's fault; keep polling until the deadline.
      if (d.signal.aborted) return;
      d.log.warn({ err }, 'progress poll failed');
      continue;
    }
    if (run.state === last) continue;
    last = run.state;
    const tasks = await d.airflow.listTaskInstances(d.dagId, d.runId, { signal: d.signal }).catch(() => []);
    await d.progress(runMessage(run, tasks, d.clock.now()));
    if (TERMINAL.includes(run.state)) return;
  }
}

export const trigger = defineCommand({
  name: 'trigger',
  summary: 'Trigger a DAG run; key=value pairs become its conf',
  permission: 'operate',
  reply: 'channel',
  passthrough: true,
  args: ['dag'],
  options: z.object({
    dag: dagId,
    conf: z.string().optional().describe('JSON object passed as dag_run.conf'),
    run_id: runId.optional().describe('Run id to use instead of a generated one'),
  }),
  async handler({ options: o, extra, clients, signal, progress, after, clock, log }) {
    const base = parseConfJson(o.conf);
    const hasPairs = Object.keys(extra).length > 0;
    checkConfSize({ ...base, ...extra }); // before any request: typing can only shrink the strings
    const dag = await orNotFound(clients.airflow.getDag(o.dag, { signal }), `DAG ${code(o.dag)}`);
    const conf = { ...base, ...(hasPairs ? confFromPairs(extra, dag.params) : {}) };
    checkConfSize(conf);
    const run = await clients.airflow.triggerDagRun(
      o.dag,
      { conf: Object.keys(conf).length || o.conf !== undefined ? conf : undefined, runId: o.run_id },
      { signal },
    );
    if (progress) {
      after((longSignal) =>
        followRun({
          airflow: clients.airflow,
          dagId: o.dag,
          runId: run.runId,
          progress,
          clock,
          signal: longSignal,
          log,
          initial: run.state,
        }),
      );
    }
    return {
      title: `Triggered ${o.dag}`,
      tone: 'success',
      fields: [
        { label: 'Run', value: run.runId },
        { label: 'State', value: run.state, inline: true },
        ...(Object.keys(conf).length
          ? [{ label: 'Conf', value: JSON.stringify(redactJson(conf)).slice(0, 1000) }]
          : []),
      ],
      footer: dag.isPaused ? 'The DAG is paused: the run stays queued until it is unpaused.' : undefined,
      actions: [
        commandAction('Status', 'run', [o.dag, run.runId]),
        { kind: 'link', label: 'Open in Airflow', url: run.url },
      ],
    };
  },
});
