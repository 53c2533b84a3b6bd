// Where the test suite finds the real services; the stack script exports the same defaults.
import { fetchAgain } from './fetch-again.js';

export interface TestService {
  name: string;
  url: string;
  fix: string;
  ping(): Promise<boolean>;
}

export const AIRFLOW_URL = process.env.AIRFLOW_URL ?? 'http://127.0.0.1:8082';
export const MLFLOW_URL = process.env.MLFLOW_URL ?? 'http://127.0.0.1:5000';
export const AIRFLOW2_URL = process.env.AIRFLOW2_URL ?? 'http://127.0.0.1:8092';
export const DOCKER_HOST = process.env.DOCKER_HOST ?? 'unix:///tmp/mlops-docker/docker.sock';

async function httpOk(url: string): Promise<boolean> {
  const res = await fetchAgain(url, { signal: AbortSignal.timeout(5_000) });
  return res.ok;
}

export function servicesFromEnv(): TestService[] {
  return [
    {
      name: 'Airflow 3',
      url: AIRFLOW_URL,
      fix: 'run npm run stack:up',
      ping: () => httpOk(`${AIRFLOW_URL}/api/v2/monitor/health`),
    },
    {
      name: 'MLflow',
      url: MLFLOW_URL,
      fix: 'run npm run stack:up',
      ping: () => httpOk(`${MLFLOW_URL}/health`),
    },
  ];
}
