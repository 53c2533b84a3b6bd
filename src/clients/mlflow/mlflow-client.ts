import type { AxiosAdapter } from 'axios';
import type { z } from 'zod';
import { isBotError, userError } from '../../bot/errors.js';
import { checkId } from '../../bot/ids.js';
import type { Logger } from '../../bot/logger.js';
import { trimTrailing } from '../../bot/trim-trailing.js';
import { basicAuth } from '../http/basic-auth.js';
import { createHttp } from '../http/create-http.js';
import { safeUrl } from '../http/safe-url.js';
import type { HttpRequest, QueryValue } from '../http/send.js';
import { createLinks, toExperiment, toMetricPoint, toModelVersion, toRegisteredModel, toRun } from './map.js';
import { describeMlflowError, mapMlflowError } from './mlflow-errors.js';
import { bestRunsFilter, filterKey, quoteString } from './mlflow-filter.js';
import * as s from './mlflow-schemas.js';
import type { CallOptions, MlflowClient, ModelVersion } from './types.js';

export interface MlflowClientOptions {
  /** Tracking server root, e.g. http://127.0.0.1:5000 (the API lives under /api/2.0/mlflow). */
  baseUrl: string;
  /** Where deep links point; defaults to baseUrl. */
  uiUrl?: string;
  username?: string;
  password?: string;
  timeoutMs: number;
  adapter?: AxiosAdapter;
  log?: Logger;
}

const API = '/api/2.0/mlflow';
type Extra = Pick<HttpRequest, 'notFound'> & CallOptions;

const noRun = (runId: string) => `MLflow has no run '${runId}'.`;
const noVersion = (name: string, version: string) => `MLflow has no version ${version} of model '${name}'.`;
const noAlias = (name: string, alias: string) => `MLflow has no alias '${alias}' on model '${name}'.`;

export function createMlflowClient(o: MlflowClientOptions): MlflowClient {
  const baseUrl = trimTrailing(o.baseUrl, '/');
  // Shown and linked without any user info that MLFLOW_URL might carry.
  const shownUrl = safeUrl(baseUrl);
  const links = createLinks(safeUrl(o.uiUrl ?? baseUrl));
  const log = o.log?.child({ client: 'mlflow' });
  const basic = o.username ? basicAuth(o.username, o.password ?? '') : undefined;
  const http = createHttp({
    service: 'mlflow',
    label: 'MLflow',
    settings: { url: 'MLFLOW_URL', credentials: 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD' },
    baseURL: baseUrl,
    timeoutMs: o.timeoutMs,
    adapter: o.adapter,
    log,
    describeError: describeMlflowError,
    mapError: mapMlflowError,
    auth: basic,
  });

  const get = <S extends z.ZodType>(schema: S, path: string, query: Record<string, QueryValue>, x?: Extra) =>
    http.send(schema, { path: `${API}${path}`, query, notFound: x?.notFound, signal: x?.signal });
  /** MLflow's searches are POSTs that only read, so a stale connection may send them again. */
  const search = <S extends z.ZodType>(schema: S, path: string, body: object, x?: Extra) =>
    http.send(schema, { method: 'POST', path: `${API}${path}`, body, readOnly: true, signal: x?.signal });
  const write = <S extends z.ZodType>(schema: S, method: 'POST' | 'DELETE', path: string, body: object, x?: Extra) =>
    http.send(schema, { method, path: `${API}${path}`, body, notFound: x?.notFound, signal: x?.signal });

  const client: MlflowClient = {
    baseUrl: shownUrl,

    async health(opts) {
      const body = await http.send(s.textResponse, { path: '/health', text: true, signal: opts?.signal });
      const version = await http.send(s.textResponse, { path: '/version', text: true, signal: opts?.signal }).then(
        (v) => v.trim() || undefined,
        // An older server or a proxy without /version is still healthy.
        (err: unknown) => {
          if (isBotError(err) && (err.code === 'NOT_FOUND' || err.code === 'UPSTREAM_REJECTED')) return undefined;
          throw err;
        },
      );
      return { ok: body.trim() === 'OK', version };
    },

    async searchExperiments(q = {}, opts) {
      const body = await search(
        s.searchExperimentsResponse,
        '/experiments/search',
        { filter: q.filter, max_results: q.maxResults ?? 100, page_token: q.pageToken, view_type: 'ACTIVE_ONLY' },
        opts,
      );
      return { items: body.experiments.map((e) => toExperiment(e, links)), nextPageToken: body.next_page_token };
    },

    async getExperimentByName(name, opts) {
      checkId('experiment', name, 'mlflow');
      const missing = `MLflow has no experiment named '${name}'.`;
      const body = await get(
        s.getExperimentResponse,
        '/experiments/get-by-name',
        { experiment_name: name },
        { ...opts, notFound: missing },
      );
      if (body.experiment.lifecycle_stage === 'deleted') {
        throw userError('NOT_FOUND', `${missing.slice(0, -1)} (it was deleted).`, { service: 'mlflow' });
      }
      return toExperiment(body.experiment, links);
    },

    async searchRuns(q, opts) {
      const body = await search(
        s.searchRunsResponse,
        '/runs/search',
        {
          experiment_ids: q.experimentIds.map(String),
          filter: q.filter,
          order_by: q.orderBy,
          max_results: q.maxResults ?? 100,
          page_token: q.pageToken,
          run_view_type: 'ACTIVE_ONLY',
        },
        opts,
      );
      return { items: body.runs.map((r) => toRun(r, links)), nextPageToken: body.next_page_token };
    },

    async bestRuns(q, opts) {
      checkId('metric', q.metric, 'mlflow');
      const limit = q.limit ?? 5;
      const key = filterKey('metrics', q.metric);
      const page = await client.searchRuns(
        {
          experimentIds: q.experimentIds,
          filter: bestRunsFilter({ ...q, metricKey: key }),
          orderBy: [`${key} ${q.order === 'max' ? 'DESC' : 'ASC'}`, 'attributes.start_time DESC'],
          maxResults: limit,
        },
        opts,
      );
      // The filter already asks for the metric; this guards the ranking should a server ignore that clause.
      return page.items.filter((r) => Number.isFinite(r.metrics[q.metric]));
    },

    async getRun(runId, opts) {
      checkId('mlflowRun', runId, 'mlflow');
      const body = await get(s.getRunResponse, '/runs/get', { run_id: runId }, { ...opts, notFound: noRun(runId) });
      return toRun(body.run, links);
    },

    async metricHistory(runId, metric, opts) {
      checkId('mlflowRun', runId, 'mlflow');
      checkId('metric', metric, 'mlflow');
      const points = [];
      let pageToken: string | undefined;
      do {
        const body = await get(
          s.metricHistoryResponse,
          '/metrics/get-history',
          { run_id: runId, metric_key: metric, page_token: pageToken },
          { ...opts, notFound: noRun(runId) },
        );
        points.push(...body.metrics.map(toMetricPoint));
        pageToken = body.next_page_token || undefined;
      } while (pageToken);
      // MLflow answers an unknown run with an empty history; asking for the run tells the two apart.
      if (points.length === 0) await client.getRun(runId, opts);
      return points.sort((a, b) => a.step - b.step || a.timestamp.getTime() - b.timestamp.getTime());
    },

    async searchModels(q = {}, opts) {
      const body = await get(
        s.searchModelsResponse,
        '/registered-models/search',
        { filter: q.filter, max_results: q.maxResults ?? 100, page_token: q.pageToken },
        opts,
      );
      return {
        items: body.registered_models.map((m) => toRegisteredModel(m, links)),
        nextPageToken: body.next_page_token,
      };
    },

    async getModel(name, opts) {
      checkId('model', name, 'mlflow');
      const body = await get(
        s.getModelResponse,
        '/registered-models/get',
        { name },
        { ...opts, notFound: `MLflow has no model named '${name}'.` },
      );
      return toRegisteredModel(body.registered_model, links);
    },

    async searchModelVersions(name, q = {}, opts) {
      checkId('model', name, 'mlflow');
      // Search results carry no aliases, so they come from the model, which also turns an unknown name into NOT_FOUND.
      const filter = `name = ${quoteString('model name', name)}`;
      const [model, body] = await Promise.all([
        client.getModel(name, opts),
        get(
          s.searchVersionsResponse,
          '/model-versions/search',
          { filter, order_by: ['version_number DESC'], max_results: q.maxResults ?? 100 },
          opts,
        ),
      ]);
      const aliases = model.aliases;
      return body.model_versions.map((v) => {
        const version = toModelVersion(v, links);
        const mine = aliases.filter((a) => a.version === version.version).map((a) => a.alias);
        return { ...version, aliases: [...new Set([...version.aliases, ...mine])] };
      });
    },

    async getModelVersion(name, version, opts) {
      checkId('model', name, 'mlflow');
      checkId('modelVersion', version, 'mlflow');
      const body = await get(
        s.getVersionResponse,
        '/model-versions/get',
        { name, version },
        { ...opts, notFound: noVersion(name, version) },
      );
      return toModelVersion(body.model_version, links);
    },

    async getVersionByAlias(name, alias, opts): Promise<ModelVersion> {
      checkId('model', name, 'mlflow');
      checkId('alias', alias, 'mlflow');
      const body = await get(
        s.getVersionResponse,
        '/registered-models/alias',
        { name, alias },
        { ...opts, notFound: noAlias(name, alias) },
      );
      return toModelVersion(body.model_version, links);
    },

    async setAlias(name, alias, version, opts) {
      checkId('model', name, 'mlflow');
      checkId('alias', alias, 'mlflow');
      checkId('modelVersion', version, 'mlflow');
      await write(
        s.emptyResponse,
        'POST',
        '/registered-models/alias',
        { name, alias, version },
        { ...opts, notFound: noVersion(name, version) },
      );
    },

    async deleteAlias(name, alias, opts) {
      checkId('model', name, 'mlflow');
      checkId('alias', alias, 'mlflow');
      await write(
        s.emptyResponse,
        'DELETE',
        '/registered-models/alias',
        { name, alias },
        { ...opts, notFound: noAlias(name, alias) },
      );
    },
  };
  log?.debug({ baseUrl: shownUrl, auth: basic ? 'basic' : 'none' }, 'mlflow client ready');
  return client;
}
