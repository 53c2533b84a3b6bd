import { z } from 'zod';
import type { Logger } from '../../bot/logger.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import { deliveryOf } from './delivery-window.js';
import { header, verifyAirflowSignature } from './signatures.js';

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

const event = z.object({
  event: z.enum(['dag_run_failed', 'task_failed', 'dag_run_success']),
  dag_id: z.string().min(1).max(250),
  run_id: z.string().min(1).max(250),
  task_id: z.string().max(250).nullish(),
  // Sent by dags/mlops_bot_notify.py so two mapped instances failing in the same second are two bodies.
  map_index: z.number().int().nullish(),
  try_number: z.number().int().nullish(),
});

export interface AirflowWebhookDeps {
  secret: string | undefined;
  /** Remembers each push, so a replay wakes nothing. */
  scheduler: Pick<Scheduler, 'publish'>;
  /** Runs the failure watcher now; its cursor dedupes the push and the poll into one card. */
  kick: () => Promise<void>;
  log: Logger;
  /** When to look again after a push (ms): a task's callback fires before the scheduler marks its run failed. */
  followUpsMs?: readonly number[];
  now?: () => Date;
}

const FOLLOW_UPS_MS = [0, 1_500, 4_000, 8_000, 15_000, 30_000];

export function createAirflowWebhook(deps: AirflowWebhookDeps) {
  const now = deps.now ?? (() => new Date());
  return async function handle(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookResponse> {
    if (!deps.secret) return { status: 404, body: { error: 'the Airflow webhook is off: set AIRFLOW_WEBHOOK_SECRET' } };
    const check = verifyAirflowSignature(raw, headers, deps.secret, now().getTime());
    if (!check.ok) {
      deps.log.warn({ reason: check.reason }, 'airflow webhook refused: bad signature');
      return { status: 401, body: { error: 'bad signature' } };
    }
    let parsed: z.infer<typeof event>;
    try {
      parsed = event.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'expected {"event","dag_id","run_id"}' } };
    }
    // The signature covers the timestamp and the body, so it names this push: an identical one is a replay.
    const id = header(headers, 'x-mlops-signature');
    // The push carries no card of its own: it makes the failure watcher look now, so it publishes no alerts.
    const { accepted } = await deps.scheduler.publish('airflow.failures', [], deliveryOf('airflow', id, now()));
    if (!accepted) {
      deps.log.info({ dag: parsed.dag_id, run: parsed.run_id }, 'airflow webhook dropped: already received');
      return { status: 200, body: { duplicate: true } };
    }
    deps.log.info({ event: parsed.event, dag: parsed.dag_id, run: parsed.run_id }, 'airflow webhook');
    // Answer at once; Airflow's callback should not wait for the log fetch and the chat posts.
    for (const ms of deps.followUpsMs ?? FOLLOW_UPS_MS) {
      setTimeout(() => {
        deps.kick().catch((err) => deps.log.warn({ err: (err as Error).message }, 'airflow webhook tick failed'));
      }, ms).unref();
    }
    return { status: 202, body: { accepted: true } };
  };
}
