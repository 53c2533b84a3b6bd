// Response bodies in the shape MLflow 3.17.2 sends them, taken from the local server (values changed, keys kept).
// MLflow omits unset fields: empty arrays and the last page's next_page_token are simply absent.

export const RUN_ID = '5f1c2a9e0b7d4c3e8a6f1b2c3d4e5f60';

export const experimentJson = {
  experiment_id: '7',
  name: 'churn',
  artifact_location: 'mlflow-artifacts:/7',
  lifecycle_stage: 'active',
  last_update_time: 1764130000000,
  creation_time: 1764120000000,
  workspace: 'default',
  tags: [{ key: 'team', value: 'ml' }],
};

export const runJson = {
  info: {
    run_uuid: RUN_ID,
    experiment_id: '7',
    run_name: 'bright-owl-42',
    user_id: 'root',
    status: 'FINISHED',
    start_time: 1764130000000,
    end_time: 1764130060000,
    artifact_uri: `mlflow-artifacts:/7/${RUN_ID}/artifacts`,
    lifecycle_stage: 'active',
    run_id: RUN_ID,
  },
  data: {
    metrics: [{ key: 'accuracy', value: 0.93, timestamp: 1764130050000, step: 0 }],
    params: [{ key: 'C', value: '1.0' }],
    tags: [
      { key: 'mlflow.user', value: 'root' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'airflow.run_id', value: 'manual__2026-11-26T05:00:00+00:00' },
      { key: 'mlflow.runName', value: 'bright-owl-42' },
    ],
  },
  inputs: {},
  outputs: { model_outputs: [{ model_id: 'm-27cf9c18234d4060a69280b36b488662', step: 0 }] },
};

/** A run that logged nothing: `data` holds no metrics or params, `start_time` is 0 when none was given. */
export const bareRunJson = {
  info: {
    run_uuid: 'a0000000000000000000000000000001',
    experiment_id: '7',
    run_name: 'quiet-run',
    status: 'RUNNING',
    start_time: 1764130000000,
    artifact_uri: 'mlflow-artifacts:/7/a0000000000000000000000000000001/artifacts',
    lifecycle_stage: 'active',
    run_id: 'a0000000000000000000000000000001',
  },
  data: {},
  inputs: {},
  outputs: {},
};

export const modelVersionJson = {
  name: 'churn-model',
  version: '3',
  creation_timestamp: 1764130100000,
  last_updated_timestamp: 1764130100000,
  current_stage: 'None',
  description: '',
  source: 'models:/m-27cf9c18234d4060a69280b36b488662',
  run_id: RUN_ID,
  status: 'READY',
  run_link: '',
  aliases: ['champion'],
};

export const registeredModelJson = {
  name: 'churn-model',
  creation_timestamp: 1764120000000,
  last_updated_timestamp: 1764130100000,
  latest_versions: [modelVersionJson],
  aliases: [{ alias: 'champion', version: '3' }],
};
