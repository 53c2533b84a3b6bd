export interface CallOptions {
  signal?: AbortSignal;
}

export interface Experiment {
  experimentId: string;
  name: string;
  lifecycleStage: 'active' | 'deleted';
  creationTime?: Date;
  lastUpdateTime?: Date;
  tags: Record<string, string>;
  url: string;
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Run {
  runId: string;
  runName?: string;
  experimentId: string;
  status: RunStatus;
  startTime?: Date;
  endTime?: Date;
  artifactUri?: string;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  url: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: Date;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export interface SearchRunsQuery {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface BestRunsQuery {
  experimentIds: string[];
  metric: string;
  order: 'max' | 'min';
  limit?: number;
  /** Only FINISHED runs by default. */
  includeUnfinished?: boolean;
  /** Only runs that ended after this time (epoch ms filter on end_time). */
  finishedAfter?: Date;
}

export interface ModelAlias {
  alias: string;
  version: string;
}

export interface RegisteredModel {
  name: string;
  description?: string;
  creationTime?: Date;
  lastUpdatedTime?: Date;
  aliases: ModelAlias[];
  tags: Record<string, string>;
  latestVersions: ModelVersion[];
  url: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  status: string;
  runId?: string;
  source?: string;
  creationTime?: Date;
  aliases: string[];
  tags: Record<string, string>;
  url: string;
}

export interface MlflowClient {
  readonly baseUrl: string;
  health(opts?: CallOptions): Promise<{ ok: boolean; version?: string }>;
  searchExperiments(
    q?: { filter?: string; maxResults?: number; pageToken?: string },
    opts?: CallOptions,
  ): Promise<Page<Experiment>>;
  getExperimentByName(name: string, opts?: CallOptions): Promise<Experiment>;
  searchRuns(q: SearchRunsQuery, opts?: CallOptions): Promise<Page<Run>>;
  bestRuns(q: BestRunsQuery, opts?: CallOptions): Promise<Run[]>;
  getRun(runId: string, opts?: CallOptions): Promise<Run>;
  metricHistory(runId: string, metric: string, opts?: CallOptions): Promise<MetricPoint[]>;
  searchModels(
    q?: { filter?: string; maxResults?: number; pageToken?: string },
    opts?: CallOptions,
  ): Promise<Page<RegisteredModel>>;
  getModel(name: string, opts?: CallOptions): Promise<RegisteredModel>;
  searchModelVersions(name: string, q?: { maxResults?: number }, opts?: CallOptions): Promise<ModelVersion[]>;
  getModelVersion(name: string, version: string, opts?: CallOptions): Promise<ModelVersion>;
  getVersionByAlias(name: string, alias: string, opts?: CallOptions): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: string, opts?: CallOptions): Promise<void>;
  deleteAlias(name: string, alias: string, opts?: CallOptions): Promise<void>;
}
