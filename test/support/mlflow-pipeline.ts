// Drives ml_pipeline_end_to_end on the real Airflow 3 for the cross-service pipeline test.
import type { AirflowClient, DagRun } from '../../src/clients/airflow/types.js';

export const AIRFLOW_USERNAME = process.env.AIRFLOW_USERNAME ?? 'admin';
export const AIRFLOW_PASSWORD = process.env.AIRFLOW_PASSWORD ?? 'admin';

export const PIPELINE_DAG = 'ml_pipeline_end_to_end';
export const PIPELINE_EXPERIMENT = 'ml_pipeline_end_to_end';
export const PIPELINE_MODEL = 'ml_pipeline_model';
export const PIPELINE_METRIC = 'f1';
/** The DAG tags its MLflow run with the Airflow run id under this key (dags/ml_pipeline_end_to_end.py, task train). */
export const RUN_ID_TAG = 'airflow.run_id';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the run leaves queued/running; on failure the error lists the task states and the failed task's log. */
export async function waitForDagRun(
  airflow: AirflowClient,
  dagId: string,
  runId: string,
  timeoutMs: number,
): Promise<DagRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await airflow.getDagRun(dagId, runId);
    if (run.state === 'success') return run;
    if (run.state === 'failed') {
      const tasks = await airflow.listTaskInstances(dagId, runId);
      const failed = tasks.find((t) => t.state === 'failed');
      const log = failed
        ? (await airflow.taskLog({ dagId, runId, taskId: failed.taskId, lines: 30 })).lines.join('\n')
        : '';
      throw new Error(`${dagId} ${runId} failed: ${tasks.map((t) => `${t.taskId}=${t.state}`).join(', ')}\n${log}`);
    }
    if (Date.now() > deadline) throw new Error(`${dagId} ${runId} still ${run.state} after ${timeoutMs / 1000} s`);
    await sleep(5_000);
  }
}
