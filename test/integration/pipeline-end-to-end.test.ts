import { afterAll, describe, expect, it } from 'vitest';
import { createAirflowClient } from '../../src/clients/airflow/airflow-client.js';
import { createMlflowClient } from '../../src/clients/mlflow/mlflow-client.js';
import type { Run } from '../../src/clients/mlflow/types.js';
import {
  AIRFLOW_PASSWORD,
  AIRFLOW_USERNAME,
  PIPELINE_DAG,
  PIPELINE_EXPERIMENT,
  PIPELINE_METRIC,
  PIPELINE_MODEL,
  RUN_ID_TAG,
  waitForDagRun,
} from '../support/mlflow-pipeline.js';
import { AIRFLOW_URL, MLFLOW_URL } from '../support/services.js';

const airflow = createAirflowClient({
  baseUrl: AIRFLOW_URL,
  username: AIRFLOW_USERNAME,
  password: AIRFLOW_PASSWORD,
  apiVersion: 'v2',
  timeoutMs: 30_000,
});
const mlflow = createMlflowClient({ baseUrl: MLFLOW_URL, timeoutMs: 30_000 });
const timings: Record<string, number> = {};

afterAll(() => {
  console.log(`pipeline timings (s): ${JSON.stringify(timings)}`);
});

describe('ml_pipeline_end_to_end from Airflow into MLflow', () => {
  it('trains through Airflow and lands as a tagged MLflow run, a ranked run, a model version and a champion', async () => {
    const t0 = Date.now();
    const triggered = await airflow.triggerDagRun(PIPELINE_DAG, {
      conf: { n_estimators: 20, random_state: 7 },
      note: 'integration: pipeline-end-to-end.test.ts',
    });
    const done = await waitForDagRun(airflow, PIPELINE_DAG, triggered.runId, 540_000);
    expect(done.state).toBe('success');
    timings.airflowRun = (Date.now() - t0) / 1000;

    const t1 = Date.now();
    const experiment = await mlflow.getExperimentByName(PIPELINE_EXPERIMENT);
    const found = await mlflow.searchRuns({
      experimentIds: [experiment.experimentId],
      filter: `tags.\`${RUN_ID_TAG}\` = '${triggered.runId}'`,
    });
    expect(found.items).toHaveLength(1);
    const run = found.items[0] as Run;
    expect(run).toMatchObject({
      status: 'FINISHED',
      runName: triggered.runId,
      params: { n_estimators: '20', random_state: '7' },
      tags: { 'airflow.dag_id': PIPELINE_DAG, [RUN_ID_TAG]: triggered.runId },
    });
    const score = run.metrics[PIPELINE_METRIC];
    expect(score).toBeGreaterThan(0.5);
    expect(score).toBeLessThanOrEqual(1);

    const [best] = await mlflow.bestRuns({
      experimentIds: [experiment.experimentId],
      metric: PIPELINE_METRIC,
      order: 'max',
      limit: 1,
    });
    expect(best?.metrics[PIPELINE_METRIC]).toBeGreaterThanOrEqual(score as number);

    const versions = await mlflow.searchModelVersions(PIPELINE_MODEL);
    const mine = versions.find((v) => v.runId === run.runId);
    expect(mine, `no version of ${PIPELINE_MODEL} comes from run ${run.runId}`).toBeDefined();

    // The DAG moves the alias only on a strict improvement, so the champion is at least as good as this run.
    const champion = await mlflow.getVersionByAlias(PIPELINE_MODEL, 'champion');
    expect(champion.aliases).toContain('champion');
    const championRun = await mlflow.getRun(champion.runId as string);
    expect(championRun.metrics[PIPELINE_METRIC]).toBeGreaterThanOrEqual(score as number);
    const model = await mlflow.getModel(PIPELINE_MODEL);
    expect(model.aliases).toContainEqual({ alias: 'champion', version: champion.version });
    timings.mlflowChecks = (Date.now() - t1) / 1000;
  }, 600_000);
});
