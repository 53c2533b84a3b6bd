import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotError } from '../../../src/bot/errors.js';
import { createMlflowClient } from '../../../src/clients/mlflow/mlflow-client.js';
import type { MlflowClient } from '../../../src/clients/mlflow/types.js';
import { failure as failing } from '../../support/failure.js';
import { RUN_ID, runJson } from '../../support/mlflow-recorded.js';
import { MlflowStubServer } from '../../support/mlflow-stub-server.js';

const PASSWORD = 'hunter2-do-not-show';
let stub: MlflowStubServer;
let client: MlflowClient;

beforeAll(async () => {
  stub = await MlflowStubServer.start();
  client = createMlflowClient({ baseUrl: stub.url, timeoutMs: 500, username: 'bot', password: PASSWORD });
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());

async function failure(p: Promise<unknown>): Promise<BotError> {
  const e = await failing(p, PASSWORD);
  expect(e.userMessage).toBeTruthy();
  return e;
}

// As MLflow 3.17 sends them, sqlstate and error_class included.
const notFound = (message: string) => ({
  status: 404,
  json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message, sqlstate: 'KAM00', error_class: 'RESOURCE_NOT_FOUND' },
});
const invalid = (message: string) => ({
  status: 400,
  json: { error_code: 'INVALID_PARAMETER_VALUE', message, sqlstate: 'KAM00', error_class: 'INVALID_PARAMETER_VALUE' },
});

describe('MlflowClient error mapping', () => {
  it('answers 401 with a hint to check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/search', {
      status: 401,
      text: 'You are not authenticated. Please see the documentation.',
    });
    const e = await failure(client.searchModels());
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
  });

  it('answers 404 on a model with "no model named X"', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/get', notFound('Registered Model with name=ghost not found'));
    const e = await failure(client.getModel('ghost'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.status).toBe(404);
    expect(e.userMessage).toBe("MLflow has no model named 'ghost'.");
  });

  it('answers 404 on a run with "no run X", also for the metric history MLflow answers with {}', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/runs/get', notFound(`Run with id=${RUN_ID} not found`))
      .on('GET', '/api/2.0/mlflow/metrics/get-history', { json: {} });
    expect((await failure(client.getRun(RUN_ID))).userMessage).toBe(`MLflow has no run '${RUN_ID}'.`);
    expect((await failure(client.metricHistory(RUN_ID, 'loss'))).userMessage).toBe(`MLflow has no run '${RUN_ID}'.`);
  });

  it('answers 404 on an experiment name with "no experiment named X", and treats a deleted one the same', async () => {
    stub.on('GET', '/api/2.0/mlflow/experiments/get-by-name', notFound("Could not find experiment with name 'nope'"));
    const missing = await failure(client.getExperimentByName('nope'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.userMessage).toBe("MLflow has no experiment named 'nope'.");
    stub.on('GET', '/api/2.0/mlflow/experiments/get-by-name', {
      json: { experiment: { experiment_id: '9', name: 'old', lifecycle_stage: 'deleted' } },
    });
    const deleted = await failure(client.getExperimentByName('old'));
    expect(deleted.code).toBe('NOT_FOUND');
    expect(deleted.userMessage).toMatch(/no experiment named 'old' \(it was deleted\)/);
  });

  it('answers 404 on a version and an alias with messages naming the model', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/model-versions/get', notFound('Model Version (name=m, version=9) not found'))
      .on('GET', '/api/2.0/mlflow/registered-models/alias', notFound('Registered Model with name=m not found'));
    expect((await failure(client.getModelVersion('m', '9'))).userMessage).toBe("MLflow has no version 9 of model 'm'.");
    expect((await failure(client.getVersionByAlias('m', 'gold'))).userMessage).toBe(
      "MLflow has no alias 'gold' on model 'm'.",
    );
  });

  it('answers the 400 MLflow gives for an unknown alias of a known model as NOT_FOUND', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/alias', invalid('Registered model alias gold not found.'));
    const e = await failure(client.getVersionByAlias('m', 'gold'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.userMessage).toBe("MLflow has no alias 'gold' on model 'm'.");
  });

  it('answers the versions of an unknown model with "no model named X"', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/registered-models/get', notFound('Registered Model with name=ghost not found'))
      .on('GET', '/api/2.0/mlflow/model-versions/search', { json: {} });
    expect((await failure(client.searchModelVersions('ghost'))).userMessage).toBe("MLflow has no model named 'ghost'.");
  });

  it('answers 400 INVALID_PARAMETER_VALUE with MLflow’s own message', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', invalid("Invalid clause(s) in filter string: 'metrics.x', 'OR'"));
    const e = await failure(client.searchRuns({ experimentIds: ['1'], filter: 'metrics.x > 1 OR metrics.y > 1' }));
    expect(e.code).toBe('UPSTREAM_REJECTED');
    expect(e.status).toBe(400);
    expect(e.userMessage).toBe(
      "MLflow rejected the request (HTTP 400): Invalid clause(s) in filter string: 'metrics.x', 'OR' (INVALID_PARAMETER_VALUE)",
    );
  });

  it('answers 400 RESOURCE_ALREADY_EXISTS as a conflict', async () => {
    stub.on('POST', '/api/2.0/mlflow/registered-models/alias', {
      status: 400,
      json: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Alias already exists.' },
    });
    const e = await failure(client.setAlias('m', 'champion', '1'));
    expect(e.code).toBe('CONFLICT');
    expect(e.userMessage).toMatch(/already exists/);
  });

  it('answers 500 as a rejection that carries the status', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/search', {
      status: 500,
      json: { error_code: 'INTERNAL_ERROR', message: 'database is locked' },
    });
    const e = await failure(client.searchModels());
    expect(e.code).toBe('UPSTREAM_REJECTED');
    expect(e.status).toBe(500);
    expect(e.userMessage).toMatch(/HTTP 500.*database is locked/);
  });

  it('answers 503 as unavailable, with the server URL and a try-again hint', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/search', {
      status: 503,
      json: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' },
    });
    const e = await failure(client.searchModels());
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toBe(`MLflow at ${stub.url} is unavailable (HTTP 503). Try again shortly.`);
  });

  it('answers the security middleware’s plain-text 403 with how to fix the Host header, not a missing role', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', {
      status: 403,
      text: 'Invalid Host header - possible DNS rebinding attack detected',
    });
    const e = await failure(client.searchRuns({ experimentIds: ['1'] }));
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/Host header.*--allowed-hosts/);
    expect(e.userMessage).not.toMatch(/lacks/);
    stub.on('POST', '/api/2.0/mlflow/runs/search', { status: 403, text: 'Cross-origin request blocked' });
    expect((await failure(client.searchRuns({ experimentIds: ['1'] }))).userMessage).toMatch(/--cors-allowed-origins/);
  });

  it('answers a JSON 403 from basic auth with the MLflow user lacking permission', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/get', {
      status: 403,
      json: { error_code: 'PERMISSION_DENIED', message: 'Permission denied' },
    });
    const e = await failure(client.getModel('m'));
    expect(e.code).toBe('UPSTREAM_AUTH');
    expect(e.userMessage).toMatch(/Permission denied.*MLFLOW_TRACKING_USERNAME lacks permission/);
  });

  it('answers a slow server with a timeout that names the URL and the limit', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', { delayMs: 2_000, json: { run: runJson } });
    const e = await failure(client.getRun(RUN_ID));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toBe(`MLflow at ${stub.url} did not answer within 0.5 s. Is it running? Check MLFLOW_URL.`);
  });

  it('stops when the caller aborts through the signal', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', { delayMs: 2_000, json: { run: runJson } });
    const e = await failure(client.getRun(RUN_ID, { signal: AbortSignal.timeout(50) }));
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toMatch(/cancelled/);
  });

  it('answers a refused connection with "MLflow at <url> is unreachable"', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dead = createMlflowClient({
      baseUrl: `http://bot:${PASSWORD}@127.0.0.1:${port}`,
      timeoutMs: 2_000,
    });
    const e = await failure(dead.searchModels());
    expect(e.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(e.userMessage).toBe(
      `MLflow at http://127.0.0.1:${port} is unreachable (connection refused). Is it running? Check MLFLOW_URL.`,
    );
  });

  it('answers malformed JSON as UPSTREAM_CONTRACT', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', { text: '{"run": {"info":', contentType: 'application/json' });
    const e = await failure(client.getRun(RUN_ID));
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/malformed JSON/);
  });

  it('answers a missing field as UPSTREAM_CONTRACT naming the field', async () => {
    const { run_id: _drop, ...info } = runJson.info;
    stub.on('GET', '/api/2.0/mlflow/runs/get', { json: { run: { ...runJson, info } } });
    const e = await failure(client.getRun(RUN_ID));
    expect(e.code).toBe('UPSTREAM_CONTRACT');
    expect(e.userMessage).toMatch(/at 'run\.info\.run_id'/);
  });

  it('answers an unknown run status as UPSTREAM_CONTRACT naming the field', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', {
      json: { run: { ...runJson, info: { ...runJson.info, status: 'EXPLODED' } } },
    });
    expect((await failure(client.getRun(RUN_ID))).userMessage).toMatch(/at 'run\.info\.status'/);
  });
});
