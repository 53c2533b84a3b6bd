import type { AirflowClient } from './airflow/types.js';
import type { DockerClient } from './docker/types.js';
import type { MlflowClient } from './mlflow/types.js';

export interface Clients {
  airflow: AirflowClient;
  mlflow: MlflowClient;
  docker: DockerClient;
}
