import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMlflowClient } from '../../../src/clients/mlflow/mlflow-client.js';
import type { MlflowClient } from '../../../src/clients/mlflow/types.js';
import { modelVersionJson, RUN_ID, registeredModelJson, runJson } from '../../support/mlflow-recorded.js';
import { MlflowStubServer } from '../../support/mlflow-stub-server.js';

let stub: MlflowStubServer;
let client: MlflowClient;

beforeAll(async () => {
  stub = await MlflowStubServer.start();
  client = createMlflowClient({ baseUrl: stub.url, timeoutMs: 2_000 });
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());

describe('MlflowClient requests', () => {
  it('probes GET /health and GET /version on the server root', async () => {
    stub.on('GET', '/health', { text: 'OK' }).on('GET', '/version', { text: '3.17.2' });
    expect(await client.health()).toEqual({ ok: true, version: '3.17.2' });
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health', 'GET /version']);
  });

  it('searches experiments with a JSON POST to /api/2.0/mlflow/experiments/search', async () => {
    stub.on('POST', '/api/2.0/mlflow/experiments/search', { json: {} });
    await client.searchExperiments({ filter: "name LIKE 'churn%'", maxResults: 20, pageToken: 'tok' });
    const r = stub.last();
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json).toEqual({
      filter: "name LIKE 'churn%'",
      max_results: 20,
      page_token: 'tok',
      view_type: 'ACTIVE_ONLY',
    });
  });

  it('reads an experiment by name from the query string of a GET', async () => {
    stub.on('GET', '/api/2.0/mlflow/experiments/get-by-name', {
      json: { experiment: { experiment_id: '1', name: 'a b&c', lifecycle_stage: 'active' } },
    });
    await client.getExperimentByName('a b&c');
    const r = stub.last();
    expect(r.method).toBe('GET');
    expect(r.query.get('experiment_name')).toBe('a b&c');
    expect(r.body).toBe('');
  });

  it('sends runs/search experiment ids as strings with filter, order and paging', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', { json: {} });
    await client.searchRuns({
      experimentIds: ['7', '8'],
      filter: 'metrics.acc > 0.5',
      orderBy: ['metrics.acc DESC'],
      maxResults: 3,
      pageToken: 'p2',
    });
    expect(stub.last().json).toEqual({
      experiment_ids: ['7', '8'],
      filter: 'metrics.acc > 0.5',
      order_by: ['metrics.acc DESC'],
      max_results: 3,
      page_token: 'p2',
      run_view_type: 'ACTIVE_ONLY',
    });
  });

  it('asks for the best runs by max: FINISHED, metric present, metric DESC', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', { json: { runs: [runJson] } });
    const runs = await client.bestRuns({ experimentIds: ['7'], metric: 'accuracy', order: 'max', limit: 3 });
    expect(runs.map((r) => r.runId)).toEqual([RUN_ID]);
    const body = stub.last().json as Record<string, unknown>;
    expect(body.filter).toBe("attributes.status = 'FINISHED' AND metrics.accuracy >= -1e308");
    expect(body.order_by).toEqual(['metrics.accuracy DESC', 'attributes.start_time DESC']);
    expect(body.max_results).toBe(3);
  });

  it('asks for the best runs by min with a backtick-quoted odd metric name and an unquoted end_time bound', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', { json: {} });
    await client.bestRuns({
      experimentIds: ['7'],
      metric: 'val-loss',
      order: 'min',
      finishedAfter: new Date(1764000000000),
    });
    const body = stub.last().json as Record<string, unknown>;
    expect(body.filter).toBe(
      "attributes.status = 'FINISHED' AND attributes.end_time > 1764000000000 AND metrics.`val-loss` >= -1e308",
    );
    expect(body.order_by).toEqual(['metrics.`val-loss` ASC', 'attributes.start_time DESC']);
  });

  it('leaves out the status clause when unfinished runs are wanted', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', { json: {} });
    await client.bestRuns({ experimentIds: ['7'], metric: 'acc', order: 'max', includeUnfinished: true });
    expect((stub.last().json as Record<string, unknown>).filter).toBe('metrics.acc >= -1e308');
  });

  it('reads a run and its metric history with GETs', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/runs/get', { json: { run: runJson } })
      .on('GET', '/api/2.0/mlflow/metrics/get-history', {
        json: { metrics: [{ key: 'val loss', value: 1, timestamp: 1, step: 0 }] },
      });
    await client.getRun(RUN_ID);
    expect(stub.last().query.get('run_id')).toBe(RUN_ID);
    await client.metricHistory(RUN_ID, 'val loss');
    expect(Object.fromEntries(stub.last().query)).toEqual({ run_id: RUN_ID, metric_key: 'val loss' });
    expect(stub.requests).toHaveLength(2);
  });

  it('follows next_page_token through a paged metric history', async () => {
    stub.on('GET', '/api/2.0/mlflow/metrics/get-history', (req) =>
      req.query.get('page_token')
        ? { json: { metrics: [{ key: 'loss', value: 0.2, timestamp: 2, step: 2 }] } }
        : { json: { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 1 }], next_page_token: 'n' } },
    );
    const points = await client.metricHistory(RUN_ID, 'loss');
    expect(points.map((p) => p.value)).toEqual([0.5, 0.2]);
    expect(stub.requests.map((r) => r.query.get('page_token'))).toEqual([null, 'n']);
  });

  it('searches models and versions with query strings, versions by name ordered newest first', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/registered-models/search', { json: {} })
      .on('GET', '/api/2.0/mlflow/registered-models/get', { json: { registered_model: registeredModelJson } })
      .on('GET', '/api/2.0/mlflow/model-versions/search', { json: {} });
    await client.searchModels({ filter: "name LIKE 'churn%'", maxResults: 5 });
    expect(Object.fromEntries(stub.last().query)).toEqual({ filter: "name LIKE 'churn%'", max_results: '5' });
    await client.searchModelVersions('churn-model', { maxResults: 10 });
    expect(stub.find('GET', '/api/2.0/mlflow/registered-models/get').query.get('name')).toBe('churn-model');
    expect(Object.fromEntries(stub.find('GET', '/api/2.0/mlflow/model-versions/search').query)).toEqual({
      filter: "name = 'churn-model'",
      order_by: 'version_number DESC',
      max_results: '10',
    });
  });

  it('gets a model, a version and a version by alias with GETs', async () => {
    stub
      .on('GET', '/api/2.0/mlflow/registered-models/get', { json: { registered_model: registeredModelJson } })
      .on('GET', '/api/2.0/mlflow/model-versions/get', { json: { model_version: modelVersionJson } })
      .on('GET', '/api/2.0/mlflow/registered-models/alias', { json: { model_version: modelVersionJson } });
    await client.getModel('churn-model');
    expect(stub.last().query.get('name')).toBe('churn-model');
    await client.getModelVersion('churn-model', '3');
    expect(Object.fromEntries(stub.last().query)).toEqual({ name: 'churn-model', version: '3' });
    await client.getVersionByAlias('churn-model', 'champion');
    expect(Object.fromEntries(stub.last().query)).toEqual({ name: 'churn-model', alias: 'champion' });
  });

  it('sets an alias with a JSON POST and deletes it with a DELETE that carries a JSON body', async () => {
    stub
      .on('POST', '/api/2.0/mlflow/registered-models/alias', { json: {} })
      .on('DELETE', '/api/2.0/mlflow/registered-models/alias', { json: {} });
    await client.setAlias('churn-model', 'champion', '3');
    expect(stub.last().json).toEqual({ name: 'churn-model', alias: 'champion', version: '3' });
    expect(stub.last().headers['content-type']).toMatch(/^application\/json/);
    await client.deleteAlias('churn-model', 'champion');
    const del = stub.last();
    expect(del.method).toBe('DELETE');
    expect(del.headers['content-type']).toMatch(/^application\/json/);
    expect(del.json).toEqual({ name: 'churn-model', alias: 'champion' });
  });

  it('sends Basic credentials when a username is configured, and no Origin header', async () => {
    const authed = createMlflowClient({ baseUrl: stub.url, timeoutMs: 2_000, username: 'bot', password: 's3cret' });
    stub.on('GET', '/api/2.0/mlflow/registered-models/search', { json: {} });
    await authed.searchModels();
    const h = stub.last().headers;
    expect(h.authorization).toBe(`Basic ${Buffer.from('bot:s3cret').toString('base64')}`);
    expect(h.origin).toBeUndefined();
    await client.searchModels();
    expect(stub.last().headers.authorization).toBeUndefined();
  });

  it('refuses empty, overlong and non-numeric inputs before sending anything', async () => {
    await expect(client.getModel('')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.getExperimentByName('x'.repeat(257))).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.getModelVersion('m', 'latest')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.searchModelVersions("o'brien")).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses what the verbs refuse, a name of dots alone or an alias with a slash, before sending anything', async () => {
    await expect(client.getModel('..')).rejects.toMatchObject({ code: 'OPTIONS_INVALID', service: 'mlflow' });
    await expect(client.getExperimentByName('.')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.setAlias('churn', 'a/b', '3')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(client.getModelVersion('churn', '03')).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });

    expect(stub.requests).toHaveLength(0);
  });
});
