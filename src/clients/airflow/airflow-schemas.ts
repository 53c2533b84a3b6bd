import { z } from 'zod';

// Objects strip unknown keys: Airflow adds fields in every minor release and the bot must not break on them.

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 date-time');
const when = isoDate.nullish();

export const dagRunStateSchema = z.enum(['queued', 'running', 'success', 'failed']);

export const taskStateSchema = z.enum([
  'scheduled',
  'queued',
  'running',
  'success',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'upstream_failed',
  'skipped',
  'removed',
  'restarting',
  'deferred',
]);

export const versionSchema = z.object({ version: z.string() });

const componentSchema = z
  .object({
    status: z.string().nullish(),
    latest_scheduler_heartbeat: when,
    latest_triggerer_heartbeat: when,
    latest_dag_processor_heartbeat: when,
  })
  .nullish();

export const healthSchema = z.object({
  metadatabase: componentSchema,
  scheduler: componentSchema,
  triggerer: componentSchema,
  dag_processor: componentSchema,
});
export type HealthBody = z.infer<typeof healthSchema>;

const tagsSchema = z.array(z.object({ name: z.string() })).nullish();

/** Fields both API versions share; liveness and schedule differ per version. */
const dagCommon = {
  dag_id: z.string(),
  dag_display_name: z.string().nullish(),
  description: z.string().nullish(),
  is_paused: z.boolean().nullish(),
  tags: tagsSchema,
  owners: z.array(z.string()).nullish(),
  has_import_errors: z.boolean().nullish(),
  timetable_description: z.string().nullish(),
};

export const dagV2Schema = z.object({
  ...dagCommon,
  is_stale: z.boolean().nullish(),
  timetable_summary: z.string().nullish(),
});
export type DagV2Body = z.infer<typeof dagV2Schema>;

export const dagV1Schema = z.object({
  ...dagCommon,
  is_active: z.boolean().nullish(),
  schedule_interval: z.object({ value: z.unknown().optional() }).nullish(),
});
export type DagV1Body = z.infer<typeof dagV1Schema>;

/** `params` of /details: a dict of dumped Param objects ({value, description, schema}) or, defensively, raw values. */
export const paramsSchema = z.record(z.string(), z.unknown()).nullish();

export const dagDetailV2Schema = dagV2Schema.extend({ params: paramsSchema });
export const dagDetailV1Schema = dagV1Schema.extend({ params: paramsSchema });

export const dagCollectionV2Schema = z.object({ dags: z.array(dagV2Schema), total_entries: z.number() });
export const dagCollectionV1Schema = z.object({ dags: z.array(dagV1Schema), total_entries: z.number() });

export const dagRunSchema = z.object({
  dag_run_id: z.string(),
  dag_id: z.string(),
  state: dagRunStateSchema,
  run_type: z.string().nullish(),
  logical_date: when,
  /** Airflow 2 only (deprecated alias of logical_date). */
  execution_date: when,
  queued_at: when,
  start_date: when,
  end_date: when,
  conf: z.record(z.string(), z.unknown()).nullish(),
  note: z.string().nullish(),
});
export type DagRunBody = z.infer<typeof dagRunSchema>;

export const dagRunCollectionSchema = z.object({ dag_runs: z.array(dagRunSchema), total_entries: z.number() });

export const taskInstanceSchema = z.object({
  task_id: z.string(),
  dag_id: z.string(),
  dag_run_id: z.string(),
  map_index: z.number().int().nullish(),
  state: taskStateSchema.nullish(),
  try_number: z.number().int().nullish(),
  max_tries: z.number().int().nullish(),
  start_date: when,
  end_date: when,
  duration: z.number().nullish(),
  operator: z.string().nullish(),
});
export type TaskInstanceBody = z.infer<typeof taskInstanceSchema>;

export const taskInstanceCollectionSchema = z.object({
  task_instances: z.array(taskInstanceSchema),
  total_entries: z.number(),
});

/** Airflow 2 answers a clear with references only (no state, no map index). */
export const taskInstanceReferenceCollectionSchema = z.object({
  task_instances: z.array(z.object({ task_id: z.string(), dag_run_id: z.string().nullish() })),
});

const logItemSchema = z.union([
  z.string(),
  z.looseObject({
    event: z.unknown().optional(),
    level: z.string().nullish(),
    timestamp: z.string().nullish(),
    error_detail: z.unknown().optional(),
  }),
]);
export type LogItem = z.infer<typeof logItemSchema>;

export const logV2Schema = z.object({
  content: z.array(logItemSchema),
  continuation_token: z.string().nullish(),
});

export const tokenSchema = z
  .object({ access_token: z.string().min(1).optional(), jwt_token: z.string().min(1).optional() })
  .refine((t) => t.access_token ?? t.jwt_token, { message: 'expected access_token', path: ['access_token'] });
