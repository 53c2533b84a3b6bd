import { userError } from '../../src/bot/errors.js';
import type {
  BestRunsQuery,
  CallOptions,
  Experiment,
  MetricPoint,
  MlflowClient,
  ModelVersion,
  Page,
  RegisteredModel,
  Run,
  SearchRunsQuery,
} from '../../src/clients/mlflow/types.js';

export const FAKE_MLFLOW_URL = 'http://127.0.0.1:5000';

const notFound = (what: string) =>
  userError('NOT_FOUND', `MLflow: not found: ${what}`, { service: 'mlflow', status: 404 });

export function fakeExperiment(name: string, id: string): Experiment {
  return { experimentId: id, name, lifecycleStage: 'active', tags: {}, url: `${FAKE_MLFLOW_URL}/#/experiments/${id}` };
}

export function fakeMlRun(runId: string, experimentId: string, metrics: Record<string, number>): Run {
  return {
    runId,
    runName: `run-${runId}`,
    experimentId,
    status: 'FINISHED',
    metrics,
    params: {},
    tags: {},
    url: `${FAKE_MLFLOW_URL}/#/experiments/${experimentId}/runs/${runId}`,
  };
}

/** An in-memory MLflow behind the client port; records calls; `failNext` makes the next call throw. */
export class FakeMlflow implements MlflowClient {
  readonly baseUrl = FAKE_MLFLOW_URL;
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly aliasesSet: { name: string; alias: string; version: string }[] = [];
  experiments: Experiment[] = [fakeExperiment('churn', '1')];
  runs: Run[] = [];
  versions: ModelVersion[] = [];
  private failures: Error[] = [];

  failNext(err: Error): this {
    this.failures.push(err);
    return this;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const f = this.failures.shift();
    if (f) throw f;
  }

  addVersion(name: string, version: string, aliases: string[] = []): this {
    this.versions.push({
      name,
      version,
      status: 'READY',
      aliases,
      tags: {},
      url: `${FAKE_MLFLOW_URL}/#/models/${name}/versions/${version}`,
    });
    return this;
  }

  private model(name: string): RegisteredModel {
    const vs = this.versions.filter((v) => v.name === name);
    if (vs.length === 0) throw notFound(`Registered Model with name=${name} not found`);
    return {
      name,
      aliases: vs.flatMap((v) => v.aliases.map((alias) => ({ alias, version: v.version }))),
      tags: {},
      latestVersions: vs.slice(-1),
      url: `${FAKE_MLFLOW_URL}/#/models/${name}`,
    };
  }

  async health(_o?: CallOptions) {
    this.record('health');
    return { ok: true, version: '3.1.0' };
  }

  async searchExperiments(q?: { filter?: string; maxResults?: number }, _o?: CallOptions): Promise<Page<Experiment>> {
    this.record('searchExperiments', q);
    return { items: this.experiments };
  }

  async getExperimentByName(name: string, _o?: CallOptions): Promise<Experiment> {
    this.record('getExperimentByName', name);
    const e = this.experiments.find((x) => x.name === name);
    if (!e) throw notFound(`Could not find experiment with name '${name}'`);
    return e;
  }

  async searchRuns(q: SearchRunsQuery, _o?: CallOptions): Promise<Page<Run>> {
    this.record('searchRuns', q);
    return { items: this.runs.filter((r) => q.experimentIds.includes(r.experimentId)) };
  }

  async bestRuns(q: BestRunsQuery, _o?: CallOptions): Promise<Run[]> {
    this.record('bestRuns', q);
    const sign = q.order === 'max' ? -1 : 1;
    return this.runs
      .filter((r) => q.experimentIds.includes(r.experimentId) && r.metrics[q.metric] !== undefined)
      .sort((a, b) => sign * ((a.metrics[q.metric] ?? 0) - (b.metrics[q.metric] ?? 0)))
      .slice(0, q.limit ?? 5);
  }

  async getRun(runId: string, _o?: CallOptions): Promise<Run> {
    this.record('getRun', runId);
    const r = this.runs.find((x) => x.runId === runId);
    if (!r) throw notFound(`Run '${runId}' not found`);
    return r;
  }

  async metricHistory(runId: string, metric: string, _o?: CallOptions): Promise<MetricPoint[]> {
    this.record('metricHistory', runId, metric);
    return [];
  }

  async searchModels(q?: { maxResults?: number }, _o?: CallOptions): Promise<Page<RegisteredModel>> {
    this.record('searchModels', q);
    const names = [...new Set(this.versions.map((v) => v.name))];
    return { items: names.map((n) => this.model(n)) };
  }

  async getModel(name: string, _o?: CallOptions): Promise<RegisteredModel> {
    this.record('getModel', name);
    return this.model(name);
  }

  async searchModelVersions(name: string, _q?: { maxResults?: number }, _o?: CallOptions): Promise<ModelVersion[]> {
    this.record('searchModelVersions', name);
    return this.versions.filter((v) => v.name === name);
  }

  async getModelVersion(name: string, version: string, _o?: CallOptions): Promise<ModelVersion> {
    this.record('getModelVersion', name, version);
    const v = this.versions.find((x) => x.name === name && x.version === version);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  async getVersionByAlias(name: string, alias: string, _o?: CallOptions): Promise<ModelVersion> {
    this.record('getVersionByAlias', name, alias);
    const v = this.versions.find((x) => x.name === name && x.aliases.includes(alias));
    if (!v) throw notFound(`alias ${alias} not found`);
    return v;
  }

  async setAlias(name: string, alias: string, version: string, _o?: CallOptions): Promise<void> {
    this.record('setAlias', name, alias, version);
    for (const v of this.versions) if (v.name === name) v.aliases = v.aliases.filter((a) => a !== alias);
    const v = this.versions.find((x) => x.name === name && x.version === version);
    if (!v) throw notFound('version');
    v.aliases.push(alias);
    this.aliasesSet.push({ name, alias, version });
  }

  async deleteAlias(name: string, alias: string, _o?: CallOptions): Promise<void> {
    this.record('deleteAlias', name, alias);
    for (const v of this.versions) if (v.name === name) v.aliases = v.aliases.filter((a) => a !== alias);
  }
}
