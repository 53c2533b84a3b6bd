import type { AxiosAdapter } from 'axios';
import { BotError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import { trimTrailing } from '../../bot/trim-trailing.js';
import { createHttp, type Http } from '../http/create-http.js';
import { safeUrl } from '../http/safe-url.js';
import type { AirflowAuth, AirflowDialect } from './airflow-dialect.js';
import { createAirflowOperations } from './airflow-operations.js';
import { dialectV1 } from './dialect-v1.js';
import { dialectV2 } from './dialect-v2.js';
import { uiLinks } from './map.js';
import type { AirflowApi, AirflowApiVersion, AirflowClient, CallOptions } from './types.js';

export interface AirflowClientOptions {
  /** Airflow API server root, e.g. http://127.0.0.1:8082 (no /api/v2). */
  baseUrl: string;
  /** Where users open the UI, when it differs from baseUrl (e.g. behind a proxy). */
  uiUrl?: string;
  username: string;
  password: string;
  apiVersion: 'auto' | AirflowApiVersion;
  timeoutMs?: number;
  adapter?: AxiosAdapter;
  log?: Logger;
}

type Errors = Partial<Pick<AirflowDialect, 'describeError' | 'mapError'>>;

/** Statuses that prove an API prefix exists even when the probe itself is not allowed. */
const PRESENT = new Set([200, 401, 403]);

/**
 * AirflowClient for Airflow 3 (/api/v2, JWT) and Airflow 2 (/api/v1, Basic). With apiVersion 'auto' the first call
 * probes /api/v2/version, then /api/v1/version, and the answer is kept; a failed probe is retried on the next call.
 */
export function createAirflowClient(o: AirflowClientOptions): AirflowClient {
  const baseUrl = trimTrailing(o.baseUrl, '/');
  const log = o.log?.child({ client: 'airflow' });
  const http = (path: string, errors: Errors = {}, auth?: AirflowAuth['sign']): Http =>
    createHttp({
      service: 'airflow',
      label: 'Airflow',
      settings: { url: 'AIRFLOW_URL', credentials: 'AIRFLOW_USERNAME and AIRFLOW_PASSWORD' },
      baseURL: `${baseUrl}${path}`,
      timeoutMs: o.timeoutMs ?? 10_000,
      adapter: o.adapter,
      log,
      auth,
      ...errors,
    });
  const ui = o.uiUrl ?? baseUrl;

  function operations<B, C>(dialect: AirflowDialect<B, C>): AirflowApi {
    const root = http('', { describeError: dialect.describeError });
    const auth = dialect.auth({ root, username: o.username, password: o.password, log });
    return createAirflowOperations({
      dialect,
      root,
      api: http(dialect.prefix, { describeError: dialect.describeError, mapError: dialect.mapError }, auth.sign),
      renewed: auth.renewed,
      links: uiLinks(ui, dialect.version),
    });
  }
  const build = (version: AirflowApiVersion) => (version === 'v2' ? operations(dialectV2) : operations(dialectV1));

  const prober = http('');
  async function probe(signal?: AbortSignal): Promise<AirflowApiVersion> {
    for (const v of ['v2', 'v1'] as const) {
      if (PRESENT.has(await prober.status({ path: `/api/${v}/version`, signal }))) return v;
    }
    const m = `${safeUrl(baseUrl)} answers neither /api/v2 nor /api/v1: is AIRFLOW_URL the Airflow API server (webserver on Airflow 2)?`;
    throw new BotError('UPSTREAM_CONTRACT', m, { service: 'airflow', userMessage: m });
  }

  let detected: Promise<{ version: AirflowApiVersion; api: AirflowApi }> | undefined;
  function resolve(opts?: CallOptions) {
    if (o.apiVersion !== 'auto' && !detected) {
      detected = Promise.resolve({ version: o.apiVersion, api: build(o.apiVersion) });
    }
    if (!detected) {
      detected = probe(opts?.signal).then(
        (version) => {
          log?.info({ apiVersion: version, url: safeUrl(baseUrl) }, 'detected the Airflow REST API');
          return { version, api: build(version) };
        },
        (err: unknown) => {
          detected = undefined;
          throw err;
        },
      );
    }
    return detected;
  }

  const api = async (opts?: CallOptions) => (await resolve(opts)).api;

  return {
    baseUrl,
    apiVersion: async (opts) => (await resolve(opts)).version,
    health: async (opts) => (await api(opts)).health(opts),
    listDags: async (q, opts) => (await api(opts)).listDags(q, opts),
    getDag: async (dagId, opts) => (await api(opts)).getDag(dagId, opts),
    setPaused: async (dagId, paused, opts) => (await api(opts)).setPaused(dagId, paused, opts),
    triggerDagRun: async (dagId, r, opts) => (await api(opts)).triggerDagRun(dagId, r, opts),
    listDagRuns: async (q, opts) => (await api(opts)).listDagRuns(q, opts),
    getDagRun: async (dagId, runId, opts) => (await api(opts)).getDagRun(dagId, runId, opts),
    listTaskInstances: async (dagId, runId, opts) => (await api(opts)).listTaskInstances(dagId, runId, opts),
    taskLog: async (r, opts) => (await api(opts)).taskLog(r, opts),
    clearFailed: async (r, opts) => (await api(opts)).clearFailed(r, opts),
  };
}
