import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowClient } from '../../src/clients/mlflow/mlflow-client.js';
import { MlflowSeed, type SeededRun, uniqueName } from '../support/mlflow-seed.js';
import { MLFLOW_URL } from '../support/services.js';

const client = createMlflowClient({ baseUrl: MLFLOW_URL, timeoutMs: 30_000 });
const seed = new MlflowSeed();

const expName = uniqueName();
let expId: string;
const runs: Record<string, SeededRun> = {};
let model: string;

beforeAll(async () => {
  expId = await seed.experiment(expName, { owner: 'integration' });
  const t0 = Date.now() - 60_000;
  runs.low = await seed.run(expId, {
    name: 'low',
    metrics: { acc: 0.7, loss: [0.9, 0.5, 0.3] },
    params: { C: '0.1' },
    tags: { purpose: 'it' },
    startTime: t0,
  });
  runs.high = await seed.run(expId, { name: 'high', metrics: { acc: 0.9, 'val-loss': 0.2 }, startTime: t0 + 1_000 });
  runs.mid = await seed.run(expId, { name: 'mid', metrics: { acc: 0.8, 'val-loss': 0.4 }, startTime: t0 + 2_000 });
  runs.failed = await seed.run(expId, {
    name: 'failed',
    metrics: { acc: 0.99 },
    status: 'FAILED',
    startTime: t0 + 3_000,
  });
  runs.silent = await seed.run(expId, { name: 'silent', params: { C: '1' }, startTime: t0 + 4_000 });
  model = await seed.model();
  await seed.version(model, runs.low);
  await seed.version(model, runs.high);
  await seed.alias(model, 'champion', '1');
});

afterAll(() => seed.cleanup());

const names = (rs: { runName?: string }[]) => rs.map((r) => r.runName);

describe('MlflowClient against the real MLflow 3', () => {
  it('reports the server healthy with its 3.x version', async () => {
    const h = await client.health();
    expect(h.ok).toBe(true);
    expect(h.version).toMatch(/^3\./);
  });

  it('finds the experiment by search filter and by name, with its tags and a deep link', async () => {
    const page = await client.searchExperiments({ filter: `name = '${expName}'` });
    expect(page.items.map((e) => e.experimentId)).toEqual([expId]);
    const e = await client.getExperimentByName(expName);
    expect(e).toMatchObject({
      experimentId: expId,
      name: expName,
      lifecycleStage: 'active',
      tags: { owner: 'integration' },
    });
    expect(e.creationTime).toBeInstanceOf(Date);
    expect(e.url).toBe(`${MLFLOW_URL}/#/experiments/${expId}`);
  });

  it('answers NOT_FOUND for an unknown experiment name and for a deleted experiment', async () => {
    await expect(client.getExperimentByName(uniqueName('nope'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: expect.stringMatching(/^MLflow has no experiment named 'nope_/),
    });
    const gone = uniqueName();
    await seed.deleteExperiment(await seed.experiment(gone));
    await expect(client.getExperimentByName(gone)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: `MLflow has no experiment named '${gone}' (it was deleted).`,
    });
  });

  it('searches runs with a metric filter and a metric order', async () => {
    const page = await client.searchRuns({
      experimentIds: [expId],
      filter: 'metrics.acc > 0.75',
      orderBy: ['metrics.acc DESC'],
    });
    expect(names(page.items)).toEqual(['failed', 'high', 'mid']);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('pages through runs with next_page_token', async () => {
    const first = await client.searchRuns({
      experimentIds: [expId],
      orderBy: ['attributes.start_time ASC'],
      maxResults: 2,
    });
    expect(names(first.items)).toEqual(['low', 'high']);
    expect(first.nextPageToken).toBeTruthy();
    const second = await client.searchRuns({
      experimentIds: [expId],
      orderBy: ['attributes.start_time ASC'],
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(names(second.items)).toEqual(['mid', 'failed']);
  });

  it('ranks the best FINISHED runs by max, leaving out failed runs and runs without the metric', async () => {
    const best = await client.bestRuns({ experimentIds: [expId], metric: 'acc', order: 'max' });
    expect(names(best)).toEqual(['high', 'mid', 'low']);
    expect(best[0]?.metrics.acc).toBe(0.9);
  });

  it('ranks the best runs by min, and honours limit', async () => {
    const best = await client.bestRuns({ experimentIds: [expId], metric: 'acc', order: 'min', limit: 2 });
    expect(names(best)).toEqual(['low', 'mid']);
  });

  it('includes unfinished runs when asked', async () => {
    const best = await client.bestRuns({
      experimentIds: [expId],
      metric: 'acc',
      order: 'max',
      includeUnfinished: true,
    });
    expect(names(best)).toEqual(['failed', 'high', 'mid', 'low']);
  });

  it('ranks on a metric whose name needs quoting', async () => {
    const best = await client.bestRuns({ experimentIds: [expId], metric: 'val-loss', order: 'min' });
    expect(names(best)).toEqual(['high', 'mid']);
  });

  it('keeps only runs that ended after finishedAfter', async () => {
    const later = await client.bestRuns({
      experimentIds: [expId],
      metric: 'acc',
      order: 'max',
      finishedAfter: new Date(Date.now() + 3_600_000),
    });
    expect(later).toEqual([]);
  });

  it('reads a run with its params, tags, latest metrics and a deep link', async () => {
    const run = await client.getRun(runs.low!.runId);
    expect(run).toMatchObject({
      runId: runs.low!.runId,
      runName: 'low',
      experimentId: expId,
      status: 'FINISHED',
      params: { C: '0.1' },
      metrics: { acc: 0.7, loss: 0.3 },
      url: `${MLFLOW_URL}/#/experiments/${expId}/runs/${runs.low!.runId}`,
    });
    expect(run.tags.purpose).toBe('it');
    expect(run.endTime!.getTime()).toBeGreaterThan(run.startTime!.getTime());
  });

  it('reads the whole metric history in step order', async () => {
    const points = await client.metricHistory(runs.low!.runId, 'loss');
    expect(points.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.5],
      [2, 0.3],
    ]);
    expect(await client.metricHistory(runs.low!.runId, 'never_logged')).toEqual([]);
  });

  it('answers NOT_FOUND for the metric history of an unknown run, which MLflow itself answers with {}', async () => {
    const ghost = randomBytes(16).toString('hex');
    await expect(client.metricHistory(ghost, 'loss')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers NOT_FOUND for an unknown run', async () => {
    const ghost = randomBytes(16).toString('hex');
    await expect(client.getRun(ghost)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: `MLflow has no run '${ghost}'.`,
    });
  });

  it('finds the model by search, and reads it with its aliases', async () => {
    const page = await client.searchModels({ filter: `name = '${model}'` });
    expect(page.items.map((m) => m.name)).toEqual([model]);
    const m = await client.getModel(model);
    expect(m.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(m.url).toBe(`${MLFLOW_URL}/#/models/${model}`);
  });

  it('lists versions newest first and reads one with its run', async () => {
    const versions = await client.searchModelVersions(model);
    expect(versions.map((v) => v.version)).toEqual(['2', '1']);
    expect(versions[1]?.aliases).toEqual(['champion']);
    const v2 = await client.getModelVersion(model, '2');
    expect(v2).toMatchObject({ name: model, version: '2', runId: runs.high!.runId });
    expect(v2.url).toBe(`${MLFLOW_URL}/#/models/${model}/versions/2`);
  });

  it('moves an alias with setAlias, reads it back, then deletes it', async () => {
    expect((await client.getVersionByAlias(model, 'champion')).version).toBe('1');
    await client.setAlias(model, 'champion', '2');
    expect((await client.getVersionByAlias(model, 'champion')).version).toBe('2');
    await client.deleteAlias(model, 'champion');
    await expect(client.getVersionByAlias(model, 'champion')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: `MLflow has no alias 'champion' on model '${model}'.`,
    });
    expect((await client.getModel(model)).aliases).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown model, version, and an alias onto a missing version', async () => {
    const ghost = uniqueName('ghost');
    await expect(client.getModel(ghost)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      userMessage: `MLflow has no model named '${ghost}'.`,
    });
    await expect(client.getModelVersion(model, '99')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.setAlias(model, 'champion', '99')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.searchModelVersions(ghost)).rejects.toMatchObject({
      userMessage: `MLflow has no model named '${ghost}'.`,
    });
  });

  it('passes on MLflow’s reason when it refuses an alias name', async () => {
    await expect(client.setAlias(model, 'latest', '1')).rejects.toMatchObject({
      code: 'UPSTREAM_REJECTED',
      status: 400,
      userMessage: expect.stringMatching(/'latest' alias name .* is reserved/),
    });
  });

  it('sends requests the security middleware accepts when addressed as localhost too', async () => {
    const viaLocalhost = createMlflowClient({
      baseUrl: MLFLOW_URL.replace('127.0.0.1', 'localhost'),
      timeoutMs: 30_000,
    });
    expect((await viaLocalhost.searchRuns({ experimentIds: [expId], maxResults: 1 })).items).toHaveLength(1);
  });

  it('passes MLflow’s own 400 message through for a filter it cannot parse', async () => {
    await expect(
      client.searchRuns({ experimentIds: [expId], filter: 'metrics.acc > 0.1 OR metrics.acc < 0.2' }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED', status: 400, userMessage: expect.stringMatching(/filter/i) });
  });
});
