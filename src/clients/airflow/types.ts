export type AirflowApiVersion = 'v1' | 'v2';

export type DagRunState = 'queued' | 'running' | 'success' | 'failed';

export type TaskState =
  | 'none'
  | 'scheduled'
  | 'queued'
  | 'running'
  | 'success'
  | 'failed'
  | 'up_for_retry'
  | 'up_for_reschedule'
  | 'upstream_failed'
  | 'skipped'
  | 'removed'
  | 'restarting'
  | 'deferred';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ComponentHealth {
  name: 'metadatabase' | 'scheduler' | 'triggerer' | 'dag_processor';
  status: 'healthy' | 'unhealthy' | 'unknown';
  latestHeartbeat?: Date;
}

export interface AirflowHealth {
  version: string;
  apiVersion: AirflowApiVersion;
  components: ComponentHealth[];
}

export interface DagParam {
  name: string;
  /** JSON-schema type of the param when declared ('integer', 'number', 'string', 'boolean', 'array', 'object'). */
  type?: string;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

export interface Dag {
  dagId: string;
  displayName: string;
  description?: string;
  isPaused: boolean;
  isStale: boolean;
  tags: string[];
  owners: string[];
  hasImportErrors: boolean;
  schedule?: string;
  url: string;
}

export interface DagDetail extends Dag {
  params: DagParam[];
}

export interface DagRun {
  dagId: string;
  runId: string;
  state: DagRunState;
  runType: string;
  logicalDate?: Date;
  queuedAt?: Date;
  startDate?: Date;
  endDate?: Date;
  conf: Record<string, unknown>;
  note?: string;
  url: string;
}

export interface TaskInstance {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  startDate?: Date;
  endDate?: Date;
  durationSec?: number;
  operator?: string;
  url: string;
  logUrl: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ListDagsQuery {
  /** Case-insensitive substring of the DAG id. */
  pattern?: string;
  tags?: string[];
  paused?: boolean;
  limit?: number;
  offset?: number;
}

export interface ListRunsQuery {
  /** A DAG id, or '~' for every DAG. */
  dagId: string;
  states?: DagRunState[];
  updatedSince?: Date;
  /** With updatedSince, a fixed window: paging through it is not disturbed by runs updated meanwhile. */
  updatedUntil?: Date;
  limit?: number;
  offset?: number;
  /** Newest first by default. */
  orderBy?: 'start_date' | '-start_date' | 'updated_at' | '-updated_at' | 'run_after' | '-run_after';
}

export interface TriggerRequest {
  conf?: Record<string, unknown>;
  runId?: string;
  note?: string;
}

export interface TaskLogRequest {
  dagId: string;
  runId: string;
  taskId: string;
  /** Defaults to the task instance's latest try. */
  tryNumber?: number;
  /** How many trailing lines to keep (default 100). */
  lines?: number;
  mapIndex?: number;
}

export interface TaskLog {
  tryNumber: number;
  lines: string[];
  /** How many earlier lines were dropped to keep the tail. */
  truncated: number;
  url: string;
}

export interface ClearRequest {
  dagId: string;
  runId: string;
  dryRun: boolean;
  /** Only these tasks; default every failed task of the run. */
  taskIds?: string[];
}

export interface ClearResult {
  dryRun: boolean;
  tasks: Pick<TaskInstance, 'taskId' | 'mapIndex' | 'state'>[];
}

export interface AirflowClient {
  readonly baseUrl: string;
  apiVersion(opts?: CallOptions): Promise<AirflowApiVersion>;
  health(opts?: CallOptions): Promise<AirflowHealth>;
  listDags(query?: ListDagsQuery, opts?: CallOptions): Promise<Page<Dag>>;
  getDag(dagId: string, opts?: CallOptions): Promise<DagDetail>;
  setPaused(dagId: string, paused: boolean, opts?: CallOptions): Promise<Dag>;
  triggerDagRun(dagId: string, req?: TriggerRequest, opts?: CallOptions): Promise<DagRun>;
  listDagRuns(query: ListRunsQuery, opts?: CallOptions): Promise<Page<DagRun>>;
  getDagRun(dagId: string, runId: string, opts?: CallOptions): Promise<DagRun>;
  listTaskInstances(dagId: string, runId: string, opts?: CallOptions): Promise<TaskInstance[]>;
  taskLog(req: TaskLogRequest, opts?: CallOptions): Promise<TaskLog>;
  clearFailed(req: ClearRequest, opts?: CallOptions): Promise<ClearResult>;
}

/** What one API version implements; the factory adds detection (`apiVersion`) and `baseUrl` on top. */
export type AirflowApi = Omit<AirflowClient, 'baseUrl' | 'apiVersion'>;
