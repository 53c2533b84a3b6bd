import { z } from 'zod';
import { type Service, userError } from './errors.js';

// `.` and `..` pass every character rule below, but in a URL path they walk up to another endpoint
// (`/dags/../dagRuns`), and no DAG, run, task, model or experiment is worth that ambiguity.
const notOnlyDots = (s: string) => !/^\.+$/.test(s);
const ONLY_DOTS = 'dots alone are not a name';
const notBlank = (s: string) => s.trim() !== '';
const BLANK = 'a name cannot be blank';

const slug = (max: number, chars: RegExp, message: string) =>
  z.string().max(max).regex(chars, message).refine(notOnlyDots, ONLY_DOTS);
const name = (max: number) => z.string().min(1).max(max).refine(notBlank, BLANK).refine(notOnlyDots, ONLY_DOTS);

/**
 * Every name the bot puts into an upstream URL or query, one rule each. Commands declare their options with these
 * schemas; clients check the same rule again before any request leaves (a watcher or a test calls them directly).
 * Airflow's rules are its KEY_REGEX and allowed_run_id_pattern; MLflow's limits are its database columns.
 */
export const ID_RULES = {
  dag: slug(250, /^[\w.-]+$/, 'not a valid DAG id (letters, digits, _ . - only)'),
  run: slug(250, /^[A-Za-z0-9_.~:+-]+$/, 'not a valid run id (letters, digits, _ . ~ : + - only)'),
  task: slug(250, /^[\w.-]+$/, 'not a valid task id (letters, digits, _ . - only)'),
  model: name(256),
  experiment: name(256),
  metric: name(250),
  /** An MLflow run id: 32 hex digits today, checked only for what could change the request. */
  mlflowRun: name(256),
  modelVersion: z.string().regex(/^[1-9]\d{0,8}$/, 'a model version is a number such as 3'),
  alias: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'an alias uses letters, digits, _ and - only'),
  service: z
    .string()
    .max(128)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a compose service name (letters, digits, _ . - only)'),
} as const;

export type IdKind = keyof typeof ID_RULES;

/** What a client says when a name breaks its rule: the rule's own words, with the value cut short. */
export function checkId(kind: IdKind, value: string, service?: Service): void {
  const parsed = ID_RULES[kind].safeParse(value);
  if (parsed.success) return;
  const shown = String(value).slice(0, 60);
  throw userError('OPTIONS_INVALID', `'${shown}': ${parsed.error.issues[0]?.message ?? 'not a valid name'}.`, {
    service,
  });
}

// The option schemas of the verbs, with the description a user sees in help and in Discord.
export const dagId = ID_RULES.dag.describe('DAG id, e.g. train_model');
export const runId = ID_RULES.run.describe('DAG run id, e.g. manual__2026-11-26T09:00:00+00:00');
export const taskId = ID_RULES.task.describe('Task id, e.g. train');
export const modelName = ID_RULES.model.describe('Registered model name');
export const experimentName = ID_RULES.experiment.describe('Experiment name');
export const metricName = ID_RULES.metric.describe('Metric key, e.g. accuracy');
export const modelVersion = ID_RULES.modelVersion.describe('Model version, e.g. 3');
export const serviceName = ID_RULES.service.describe('Compose service, e.g. mlflow');
/** An alias a verb may move: MLflow keeps `latest` and `v<number>` for itself (its client passes on MLflow's refusal). */
export const settableAlias = ID_RULES.alias.refine(
  (a) => a.toLowerCase() !== 'latest' && !/^v\d+$/i.test(a),
  'latest and v<number> are reserved by MLflow',
);
