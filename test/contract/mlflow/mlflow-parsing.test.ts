import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMlflowClient } from '../../../src/clients/mlflow/mlflow-client.js';
import type { MlflowClient } from '../../../src/clients/mlflow/types.js';
import {
  bareRunJson,
  experimentJson,
  modelVersionJson,
  RUN_ID,
  registeredModelJson,
  runJson,
} from '../../support/mlflow-recorded.js';
import { MlflowStubServer } from '../../support/mlflow-stub-server.js';

const UI = 'https://mlflow.example.com/';
let stub: MlflowStubServer;
let client: MlflowClient;

beforeAll(async () => {
  stub = await MlflowStubServer.start();
  client = createMlflowClient({ baseUrl: stub.url, uiUrl: UI, timeoutMs: 2_000 });
});
afterAll(() => stub.close());
beforeEach(() => stub.reset());

describe('MlflowClient parsing', () => {
  it('turns an experiment into a domain object with Dates, a tag record and a UI link', async () => {
    stub.on('POST', '/api/2.0/mlflow/experiments/search', {
      json: { experiments: [experimentJson], next_page_token: 'more' },
    });
    const page = await client.searchExperiments();
    expect(page.nextPageToken).toBe('more');
    expect(page.items).toEqual([
      {
        experimentId: '7',
        name: 'churn',
        lifecycleStage: 'active',
        creationTime: new Date(1764120000000),
        lastUpdateTime: new Date(1764130000000),
        tags: { team: 'ml' },
        url: 'https://mlflow.example.com/#/experiments/7',
      },
    ]);
  });

  it('reads an empty answer {} as no items and no next page', async () => {
    stub
      .on('POST', '/api/2.0/mlflow/experiments/search', { json: {} })
      .on('POST', '/api/2.0/mlflow/runs/search', { json: {} })
      .on('GET', '/api/2.0/mlflow/registered-models/search', { json: {} })
      .on('GET', '/api/2.0/mlflow/model-versions/search', { json: {} })
      .on('GET', '/api/2.0/mlflow/registered-models/get', { json: { registered_model: { name: 'm' } } });
    expect(await client.searchExperiments()).toEqual({ items: [], nextPageToken: undefined });
    expect(await client.searchRuns({ experimentIds: ['7'] })).toEqual({ items: [], nextPageToken: undefined });
    expect(await client.searchModels()).toEqual({ items: [], nextPageToken: undefined });
    expect(await client.searchModelVersions('m')).toEqual([]);
  });

  it('maps a run: latest metrics, params and tags as records, times as Dates, a run deep link', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', { json: { run: runJson } });
    const run = await client.getRun(RUN_ID);
    expect(run).toEqual({
      runId: RUN_ID,
      runName: 'bright-owl-42',
      experimentId: '7',
      status: 'FINISHED',
      startTime: new Date(1764130000000),
      endTime: new Date(1764130060000),
      artifactUri: `mlflow-artifacts:/7/${RUN_ID}/artifacts`,
      metrics: { accuracy: 0.93 },
      params: { C: '1.0' },
      tags: {
        'mlflow.user': 'root',
        'mlflow.source.type': 'LOCAL',
        'airflow.run_id': 'manual__2026-11-26T05:00:00+00:00',
        'mlflow.runName': 'bright-owl-42',
      },
      url: `https://mlflow.example.com/#/experiments/7/runs/${RUN_ID}`,
    });
  });

  it('accepts a run whose data is {} and that has no end time yet', async () => {
    stub.on('POST', '/api/2.0/mlflow/runs/search', { json: { runs: [bareRunJson] } });
    const [run] = (await client.searchRuns({ experimentIds: ['7'] })).items;
    expect(run).toMatchObject({ status: 'RUNNING', metrics: {}, params: {}, tags: {}, endTime: undefined });
  });

  it('accepts int64 values sent as strings and non-finite doubles sent as strings', async () => {
    stub.on('GET', '/api/2.0/mlflow/metrics/get-history', {
      json: {
        metrics: [
          { key: 'loss', value: 'NaN', timestamp: '1764130000001', step: '1' },
          { key: 'loss', value: 0.4, timestamp: 1764130000000 },
        ],
      },
    });
    const points = await client.metricHistory(RUN_ID, 'loss');
    expect(points).toHaveLength(2);
    expect(points[0]).toEqual({ key: 'loss', value: 0.4, step: 0, timestamp: new Date(1764130000000) });
    expect(points[1]?.step).toBe(1);
    expect(points[1]?.value).toBeNaN();
  });

  it('maps a registered model with aliases, latest versions and links for model and version', async () => {
    stub.on('GET', '/api/2.0/mlflow/registered-models/get', { json: { registered_model: registeredModelJson } });
    const model = await client.getModel('churn-model');
    expect(model).toMatchObject({
      name: 'churn-model',
      description: undefined,
      aliases: [{ alias: 'champion', version: '3' }],
      tags: {},
      url: 'https://mlflow.example.com/#/models/churn-model',
    });
    expect(model.latestVersions[0]).toEqual({
      name: 'churn-model',
      version: '3',
      status: 'READY',
      runId: RUN_ID,
      source: modelVersionJson.source,
      creationTime: new Date(1764130100000),
      aliases: ['champion'],
      tags: {},
      url: 'https://mlflow.example.com/#/models/churn-model/versions/3',
    });
  });

  it('fills version aliases from the model, since MLflow leaves them out of search results', async () => {
    const { aliases: _none, ...searched } = modelVersionJson;
    stub
      .on('GET', '/api/2.0/mlflow/model-versions/search', {
        json: { model_versions: [searched, { ...searched, version: '2' }] },
      })
      .on('GET', '/api/2.0/mlflow/registered-models/get', { json: { registered_model: registeredModelJson } });
    const versions = await client.searchModelVersions('churn-model');
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([
      ['3', ['champion']],
      ['2', []],
    ]);
  });

  it('treats a run created without start_time (sent as 0) as having no start time', async () => {
    stub.on('GET', '/api/2.0/mlflow/runs/get', {
      json: { run: { ...bareRunJson, info: { ...bareRunJson.info, start_time: 0 } } },
    });
    expect((await client.getRun('a0000000000000000000000000000001')).startTime).toBeUndefined();
  });

  it('encodes odd model names in deep links', async () => {
    stub.on('GET', '/api/2.0/mlflow/model-versions/get', {
      json: { model_version: { ...modelVersionJson, name: 'team/churn model' } },
    });
    const v = await client.getModelVersion('team/churn model', '3');
    expect(v.url).toBe('https://mlflow.example.com/#/models/team%2Fchurn%20model/versions/3');
  });

  it('links to the tracking server itself when no UI URL is configured', async () => {
    const plain = createMlflowClient({ baseUrl: `${stub.url}/`, timeoutMs: 2_000 });
    stub.on('GET', '/api/2.0/mlflow/registered-models/alias', { json: { model_version: modelVersionJson } });
    const v = await plain.getVersionByAlias('churn-model', 'champion');
    expect(v.url).toBe(`${stub.url}/#/models/churn-model/versions/3`);
    expect(plain.baseUrl).toBe(stub.url);
  });

  it('reports health as not ok when /health answers something other than OK', async () => {
    stub.on('GET', '/health', { text: 'starting' }).on('GET', '/version', { status: 404, text: 'Not Found' });
    expect(await client.health()).toEqual({ ok: false, version: undefined });
  });
});
