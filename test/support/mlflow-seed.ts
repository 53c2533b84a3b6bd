// Creates MLflow test data through the REST API (not through the client under test) and removes it again.
import { randomBytes } from 'node:crypto';
import { fetchAgain } from './fetch-again.js';
import { MLFLOW_URL } from './services.js';

const API = `${MLFLOW_URL}/api/2.0/mlflow`;

export function uniqueName(prefix = 'it'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

async function rest<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: object,
): Promise<T> {
  const res = await fetchAgain(`${API}${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seed ${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface SeedRun {
  name: string;
  metrics?: Record<string, number | number[]>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** FINISHED by default. */
  status?: 'FINISHED' | 'FAILED' | 'RUNNING';
  startTime?: number;
}

export interface SeededRun {
  runId: string;
  name: string;
  artifactUri: string;
}

const pairs = (r: Record<string, string> = {}) => Object.entries(r).map(([key, value]) => ({ key, value }));

/** Tracks everything it creates so one `cleanup()` removes it. */
export class MlflowSeed {
  private readonly experiments: string[] = [];
  private readonly models: string[] = [];

  async experiment(name = uniqueName(), tags: Record<string, string> = {}): Promise<string> {
    const { experiment_id } = await rest<{ experiment_id: string }>('POST', '/experiments/create', {
      name,
      tags: pairs(tags),
    });
    this.experiments.push(experiment_id);
    return experiment_id;
  }

  async run(experimentId: string, r: SeedRun): Promise<SeededRun> {
    const start = r.startTime ?? Date.now();
    const { run } = await rest<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', '/runs/create', {
      experiment_id: experimentId,
      run_name: r.name,
      start_time: start,
      tags: pairs(r.tags),
    });
    const runId = run.info.run_id;
    const metrics = Object.entries(r.metrics ?? {}).flatMap(([key, v]) =>
      (Array.isArray(v) ? v : [v]).map((value, step) => ({ key, value, step, timestamp: start + step })),
    );
    if (metrics.length || r.params) {
      await rest('POST', '/runs/log-batch', { run_id: runId, metrics, params: pairs(r.params), tags: [] });
    }
    const status = r.status ?? 'FINISHED';
    if (status !== 'RUNNING') await rest('POST', '/runs/update', { run_id: runId, status, end_time: start + 1_000 });
    return { runId, name: r.name, artifactUri: run.info.artifact_uri };
  }

  async model(name = uniqueName('it_model')): Promise<string> {
    await rest('POST', '/registered-models/create', { name });
    this.models.push(name);
    return name;
  }

  async version(model: string, run: SeededRun): Promise<string> {
    const { model_version } = await rest<{ model_version: { version: string } }>('POST', '/model-versions/create', {
      name: model,
      source: `${run.artifactUri}/model`,
      run_id: run.runId,
    });
    return String(model_version.version);
  }

  async alias(model: string, alias: string, version: string): Promise<void> {
    await rest('POST', '/registered-models/alias', { name: model, alias, version });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await rest('POST', '/experiments/delete', { experiment_id: experimentId });
  }

  /** Deletes models first (their versions point at runs), then the experiments with their runs. */
  async cleanup(): Promise<void> {
    for (const name of this.models.splice(0)) {
      await rest('DELETE', '/registered-models/delete', { name }).catch(() => undefined);
    }
    for (const id of this.experiments.splice(0)) {
      await rest('POST', '/experiments/delete', { experiment_id: id }).catch(() => undefined);
    }
  }
}
