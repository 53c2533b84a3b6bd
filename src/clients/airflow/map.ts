import { trimTrailing } from '../../bot/trim-trailing.js';
import type { DagRunBody, DagV1Body, DagV2Body, HealthBody, TaskInstanceBody } from './airflow-schemas.js';
import type {
  AirflowApiVersion,
  AirflowHealth,
  ComponentHealth,
  Dag,
  DagParam,
  DagRun,
  TaskInstance,
  TaskState,
} from './types.js';

const seg = encodeURIComponent;

export function toDate(s: string | null | undefined): Date | undefined {
  return s ? new Date(s) : undefined;
}

/** Deep links into the Airflow UI: the React UI of Airflow 3, or the grid view of Airflow 2. */
export interface UiLinks {
  dag(dagId: string): string;
  run(dagId: string, runId: string): string;
  task(dagId: string, runId: string, taskId: string, mapIndex: number): string;
  log(dagId: string, runId: string, taskId: string, mapIndex: number, tryNumber: number): string;
}

export function uiLinks(ui: string, version: AirflowApiVersion): UiLinks {
  const base = trimTrailing(ui, '/');
  if (version === 'v2') {
    const task = (d: string, r: string, t: string, m: number) =>
      `${base}/dags/${seg(d)}/runs/${seg(r)}/tasks/${seg(t)}${m >= 0 ? `/mapped/${m}` : ''}`;
    return {
      dag: (d) => `${base}/dags/${seg(d)}`,
      run: (d, r) => `${base}/dags/${seg(d)}/runs/${seg(r)}`,
      task,
      log: (d, r, t, m, n) => `${task(d, r, t, m)}?try_number=${n}`,
    };
  }
  const grid = (d: string, q: Record<string, string>) => `${base}/dags/${seg(d)}/grid?${new URLSearchParams(q)}`;
  const taskQuery = (r: string, t: string, m: number) => ({
    dag_run_id: r,
    task_id: t,
    ...(m >= 0 ? { map_index: String(m) } : {}),
  });
  return {
    dag: (d) => `${base}/dags/${seg(d)}/grid`,
    run: (d, r) => grid(d, { dag_run_id: r }),
    task: (d, r, t, m) => grid(d, taskQuery(r, t, m)),
    log: (d, r, t, m, n) => grid(d, { ...taskQuery(r, t, m), tab: 'logs', try_number: String(n) }),
  };
}

const COMPONENTS: ComponentHealth['name'][] = ['metadatabase', 'scheduler', 'triggerer', 'dag_processor'];

export function toHealth(body: HealthBody, version: string, apiVersion: AirflowApiVersion): AirflowHealth {
  const components: ComponentHealth[] = [];
  for (const name of COMPONENTS) {
    const c = body[name];
    // Airflow 2 has no dag_processor entry unless it runs standalone; an absent key is not a component.
    if (c === undefined) continue;
    const status = c?.status === 'healthy' || c?.status === 'unhealthy' ? c.status : 'unknown';
    const beat = c?.latest_scheduler_heartbeat ?? c?.latest_triggerer_heartbeat ?? c?.latest_dag_processor_heartbeat;
    components.push({ name, status, ...(beat ? { latestHeartbeat: new Date(beat) } : {}) });
  }
  return { version, apiVersion, components };
}

function dagCommon(b: DagV2Body | DagV1Body, links: UiLinks) {
  return {
    dagId: b.dag_id,
    displayName: b.dag_display_name ?? b.dag_id,
    description: b.description ?? undefined,
    isPaused: b.is_paused ?? false,
    tags: (b.tags ?? []).map((t) => t.name),
    owners: b.owners ?? [],
    hasImportErrors: b.has_import_errors ?? false,
    url: links.dag(b.dag_id),
  };
}

export function toDagV2(b: DagV2Body, links: UiLinks): Dag {
  return {
    ...dagCommon(b, links),
    isStale: b.is_stale ?? false,
    schedule: b.timetable_summary ?? undefined,
  };
}

export function toDagV1(b: DagV1Body, links: UiLinks): Dag {
  const value = b.schedule_interval?.value;
  return {
    ...dagCommon(b, links),
    isStale: b.is_active === false,
    schedule: typeof value === 'string' ? value : (b.timetable_description ?? undefined),
  };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Turns the `params` dict of /details into a list; each entry is a dumped Param or, defensively, a bare value. */
export function toParams(params: Record<string, unknown> | null | undefined): DagParam[] {
  if (!params) return [];
  return Object.entries(params).map(([name, raw]) => {
    const dumped = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    const isParam = !!dumped && ('__class' in dumped || 'schema' in dumped || 'value' in dumped);
    if (!isParam) return { name, default: raw };
    const schema = (dumped.schema && typeof dumped.schema === 'object' ? dumped.schema : {}) as Record<string, unknown>;
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const type = types.find((t): t is string => typeof t === 'string' && t !== 'null');
    const description =
      typeof dumped.description === 'string'
        ? dumped.description
        : typeof schema.description === 'string'
          ? schema.description
          : undefined;
    // A null default is meaningful (e.g. "null = unlimited"), so it is kept.
    const p: DagParam = { name, default: dumped.value };
    if (type) p.type = type;
    if (description) p.description = description;
    if (Array.isArray(schema.enum)) p.enum = schema.enum;
    const min = num(schema.minimum);
    const max = num(schema.maximum);
    if (min !== undefined) p.minimum = min;
    if (max !== undefined) p.maximum = max;
    return p;
  });
}

export function toDagRun(b: DagRunBody, links: UiLinks): DagRun {
  return {
    dagId: b.dag_id,
    runId: b.dag_run_id,
    state: b.state,
    runType: b.run_type ?? 'manual',
    logicalDate: toDate(b.logical_date ?? b.execution_date),
    queuedAt: toDate(b.queued_at),
    startDate: toDate(b.start_date),
    endDate: toDate(b.end_date),
    conf: b.conf ?? {},
    note: b.note ?? undefined,
    url: links.run(b.dag_id, b.dag_run_id),
  };
}

export function toTaskState(s: TaskInstanceBody['state']): TaskState {
  return s ?? 'none';
}

export function toTaskInstance(b: TaskInstanceBody, links: UiLinks): TaskInstance {
  const mapIndex = b.map_index ?? -1;
  const tryNumber = b.try_number ?? 0;
  return {
    dagId: b.dag_id,
    runId: b.dag_run_id,
    taskId: b.task_id,
    mapIndex,
    state: toTaskState(b.state),
    tryNumber,
    maxTries: b.max_tries ?? 0,
    startDate: toDate(b.start_date),
    endDate: toDate(b.end_date),
    durationSec: b.duration ?? undefined,
    operator: b.operator ?? undefined,
    url: links.task(b.dag_id, b.dag_run_id, b.task_id, mapIndex),
    logUrl: links.log(b.dag_id, b.dag_run_id, b.task_id, mapIndex, Math.max(tryNumber, 1)),
  };
}
