import { trimTrailing } from '../../bot/trim-trailing.js';
import type { ExperimentJson, MetricJson, ModelVersionJson, RegisteredModelJson, RunJson } from './mlflow-schemas.js';
import type { Experiment, MetricPoint, ModelVersion, RegisteredModel, Run } from './types.js';

/** Builds MLflow UI deep links; the UI routes live behind the hash. */
export interface MlflowLinks {
  experiment(experimentId: string): string;
  run(experimentId: string, runId: string): string;
  model(name: string): string;
  version(name: string, version: string): string;
}

export function createLinks(uiUrl: string): MlflowLinks {
  const ui = trimTrailing(uiUrl, '/');
  const seg = encodeURIComponent;
  return {
    experiment: (id) => `${ui}/#/experiments/${seg(id)}`,
    run: (exp, run) => `${ui}/#/experiments/${seg(exp)}/runs/${seg(run)}`,
    model: (name) => `${ui}/#/models/${seg(name)}`,
    version: (name, v) => `${ui}/#/models/${seg(name)}/versions/${seg(v)}`,
  };
}

// MLflow reports an unset time as 0 (a run created without start_time), which is no real moment.
const date = (ms: number | undefined): Date | undefined => (ms ? new Date(ms) : undefined);

function record(pairs: { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(pairs.map((p) => [p.key, p.value]));
}

export function toExperiment(j: ExperimentJson, links: MlflowLinks): Experiment {
  return {
    experimentId: j.experiment_id,
    name: j.name,
    lifecycleStage: j.lifecycle_stage,
    creationTime: date(j.creation_time),
    lastUpdateTime: date(j.last_update_time),
    tags: record(j.tags),
    url: links.experiment(j.experiment_id),
  };
}

export function toRun(j: RunJson, links: MlflowLinks): Run {
  const tags = record(j.data.tags);
  return {
    runId: j.info.run_id,
    runName: j.info.run_name ?? tags['mlflow.runName'],
    experimentId: j.info.experiment_id,
    status: j.info.status,
    startTime: date(j.info.start_time),
    endTime: date(j.info.end_time),
    artifactUri: j.info.artifact_uri,
    metrics: Object.fromEntries(j.data.metrics.map((m) => [m.key, m.value])),
    params: record(j.data.params),
    tags,
    url: links.run(j.info.experiment_id, j.info.run_id),
  };
}

export function toMetricPoint(j: MetricJson): MetricPoint {
  return { key: j.key, value: j.value, step: j.step, timestamp: new Date(j.timestamp) };
}

export function toModelVersion(j: ModelVersionJson, links: MlflowLinks): ModelVersion {
  return {
    name: j.name,
    version: j.version,
    status: j.status,
    runId: j.run_id || undefined,
    source: j.source,
    creationTime: date(j.creation_timestamp),
    aliases: j.aliases,
    tags: record(j.tags),
    url: links.version(j.name, j.version),
  };
}

export function toRegisteredModel(j: RegisteredModelJson, links: MlflowLinks): RegisteredModel {
  return {
    name: j.name,
    description: j.description || undefined,
    creationTime: date(j.creation_timestamp),
    lastUpdatedTime: date(j.last_updated_timestamp),
    aliases: j.aliases,
    tags: record(j.tags),
    latestVersions: j.latest_versions.map((v) => toModelVersion(v, links)),
    url: links.model(j.name),
  };
}
