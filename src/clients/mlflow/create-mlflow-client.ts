import type { AxiosAdapter, AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import { BotError, isBotError, userError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import { trimTrailing } from '../../bot/trim-trailing.js';
import { call, createHttp, safeUrl } from '../http.js';
import { createLinks, toExperiment, toMetricPoint, toModelVersion, toRegisteredModel, toRun } from './map.js';
import { describeMlflowError, mapMlflowError } from './mlflow-errors.js';
import { bestRunsFilter, filterKey, quoteString } from './mlflow-filter.js';
import * as s from './schemas.js';
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
const MAX_NAME = 256;

function requireName(what: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME) {
    throw userError('OPTIONS_INVALID', `The ${what} must be 1 to ${MAX_NAME} characters long.`);
  }
  return value;
}

function requireVersion(value: string): string {
  if (!/^[1-9]\d{0,18}$/.test(String(value))) {
    throw userError(
      'OPTIONS_INVALID',
      `A model version is a positive whole number, not '${String(value).slice(0, 40)}'.`,
    );
  }
  return String(value);
}

/** Replaces the generic 404 with a sentence that names what is missing. */
async function orNotFound<T>(p: Promise<T>, message: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isBotError(err) && err.code === 'NOT_FOUND') {
      throw new BotError('NOT_FOUND', message, { service: 'mlflow', status: 404, userMessage: message, cause: err });
    }
    throw err;
  }
}

export function createMlflowClient(o: MlflowClientOptions): MlflowClient {
  const baseUrl = trimTrailing(o.baseUrl, '/');
  // Shown and linked without any user info that MLFLOW_URL might carry.
  const shownUrl = safeUrl(baseUrl);
  const links = createLinks(safeUrl(o.uiUrl ?? baseUrl));
  const log = o.log?.child({ client: 'mlflow' });
  const basic =
    o.username !== undefined && o.username !== ''
      ? `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`
      : undefined;
  const http = createHttp({
    service: 'mlflow',
    baseURL: baseUrl,
    timeoutMs: o.timeoutMs,
    adapter: o.adapter,
    describeError: describeMlflowError,
    mapError: mapMlflowError,
    auth: basic
      ? (req) => {
          req.headers.set('Authorization', basic);
          return req;
        }
      : undefined,
  });

  async function send<S extends z.ZodType>(
    schema: S,
    req: AxiosRequestConfig,
    opts?: CallOptions,
  ): Promise<z.infer<S>> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    // MLflow reads a JSON body for every non-GET method (DELETE included) and rejects one without this header.
    const headers = method === 'GET' ? undefined : { 'Content-Type': 'application/json' };
    try {
      const out = await call(http, 'mlflow', schema, { ...req, method, headers, signal: opts?.signal });
      log?.debug({ method, url: req.url, ms: Date.now() - started }, 'mlflow call');
      return out;
    } catch (err) {
      // Only the mapped error is logged: a raw axios error carries the Authorization header.
      const e = isBotError(err) ? err : undefined;
      log?.debug(
        { method, url: req.url, ms: Date.now() - started, code: e?.code, status: e?.status },
        'mlflow call failed',
      );
      throw err;
    }
  }

  const get = <S extends z.ZodType>(schema: S, path: string, params: object, opts?: CallOptions) =>
    send(schema, { method: 'GET', url: `${API}${path}`, params, paramsSerializer: { indexes: null } }, opts);
  const post = <S extends z.ZodType>(schema: S, path: string, data: object, opts?: CallOptions) =>
    send(schema, { method: 'POST', url: `${API}${path}`, data }, opts);

  const client: MlflowClient = {
    baseUrl: shownUrl,

    async health(opts) {
      const body = await send(s.textResponse, { url: '/health', responseType: 'text' }, opts);
      const version = await send(s.textResponse, { url: '/version', responseType: 'text' }, opts).then(
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
      const body = await post(
        s.searchExperimentsResponse,
        '/experiments/search',
        { filter: q.filter, max_results: q.maxResults ?? 100, page_token: q.pageToken, view_type: 'ACTIVE_ONLY' },
        opts,
      );
      return { items: body.experiments.map((e) => toExperiment(e, links)), nextPageToken: body.next_page_token };
    },

    async getExperimentByName(name, opts) {
      requireName('experiment name', name);
      const missing = `MLflow has no experiment named '${name}'.`;
      const body = await orNotFound(
        get(s.getExperimentResponse, '/experiments/get-by-name', { experiment_name: name }, opts),
        missing,
      );
      if (body.experiment.lifecycle_stage === 'deleted') {
        throw userError('NOT_FOUND', `${missing.slice(0, -1)} (it was deleted).`, { service: 'mlflow' });
      }
      return toExperiment(body.experiment, links);
    },

    async searchRuns(q, opts) {
      const body = await post(
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
      requireName('metric name', q.metric);
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
      requireName('run id', runId);
      const body = await orNotFound(
        get(s.getRunResponse, '/runs/get', { run_id: runId }, opts),
        `MLflow has no run '${runId}'.`,
      );
      return toRun(body.run, links);
    },

    async metricHistory(runId, metric, opts) {
      requireName('run id', runId);
      requireName('metric name', metric);
      const points = [];
      let pageToken: string | undefined;
      do {
        const body = await orNotFound(
          get(
            s.metricHistoryResponse,
            '/metrics/get-history',
            { run_id: runId, metric_key: metric, page_token: pageToken },
            opts,
          ),
          `MLflow has no run '${runId}'.`,
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
      requireName('model name', name);
      const body = await orNotFound(
        get(s.getModelResponse, '/registered-models/get', { name }, opts),
        `MLflow has no model named '${name}'.`,
      );
      return toRegisteredModel(body.registered_model, links);
    },

    async searchModelVersions(name, q = {}, opts) {
      requireName('model name', name);
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
      requireName('model name', name);
      requireVersion(version);
      const body = await orNotFound(
        get(s.getVersionResponse, '/model-versions/get', { name, version }, opts),
        `MLflow has no version ${version} of model '${name}'.`,
      );
      return toModelVersion(body.model_version, links);
    },

    async getVersionByAlias(name, alias, opts): Promise<ModelVersion> {
      requireName('model name', name);
      requireName('alias', alias);
      const missing = `MLflow has no alias '${alias}' on model '${name}'.`;
      // MLflow answers an unknown alias of a known model with 400 INVALID_PARAMETER_VALUE "... not found."
      const body = await orNotFound(
        get(s.getVersionResponse, '/registered-models/alias', { name, alias }, opts).catch((err: unknown) => {
          if (isBotError(err) && err.status === 400 && /alias .{0,300} not found/i.test(err.message)) {
            throw new BotError('NOT_FOUND', missing, {
              service: 'mlflow',
              status: 400,
              userMessage: missing,
              cause: err,
            });
          }
          throw err;
        }),
        missing,
      );
      return toModelVersion(body.model_version, links);
    },

    async setAlias(name, alias, version, opts) {
      requireName('model name', name);
      requireName('alias', alias);
      requireVersion(version);
      await orNotFound(
        post(s.emptyResponse, '/registered-models/alias', { name, alias, version }, opts),
        `MLflow has no version ${version} of model '${name}'.`,
      );
    },

    async deleteAlias(name, alias, opts) {
      requireName('model name', name);
      requireName('alias', alias);
      await orNotFound(
        send(s.emptyResponse, { method: 'DELETE', url: `${API}/registered-models/alias`, data: { name, alias } }, opts),
        `MLflow has no alias '${alias}' on model '${name}'.`,
      );
    },
  };
  log?.debug({ baseUrl: shownUrl, auth: basic ? 'basic' : 'none' }, 'mlflow client ready');
  return client;
}
