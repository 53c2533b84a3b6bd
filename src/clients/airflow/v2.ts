import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import { userError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import { isTokenRejection, type TokenSource } from './auth.js';
import { checkDagId, checkRunId, checkTaskId, checkTryNumber, explain, seg } from './errors.js';
import { renderLogItem, tailLines } from './log-lines.js';
import { toDagRun, toDagV2, toHealth, toParams, toTaskInstance, toTaskState, type UiLinks } from './map.js';
import { pageLimit, query, send } from './request.js';
import {
  dagCollectionV2Schema,
  dagDetailV2Schema,
  dagRunCollectionSchema,
  dagRunSchema,
  dagV2Schema,
  healthSchema,
  logV2Schema,
  taskInstanceCollectionSchema,
  taskInstanceSchema,
  versionSchema,
} from './schemas.js';
import type { AirflowApi, TaskInstance } from './types.js';

export interface V2Deps {
  /** Server root, no credentials: health, version. */
  root: AxiosInstance;
  /** `<root>/api/v2` with the Bearer interceptor. */
  api: AxiosInstance;
  tokens: TokenSource;
  links: UiLinks;
  log?: Logger;
}

/** Pages of log chunks to follow for one call; a running task keeps handing out tokens. */
const MAX_LOG_PAGES = 50;

export function createV2Api(d: V2Deps): AirflowApi {
  async function req<S extends z.ZodType>(schema: S, config: AxiosRequestConfig): Promise<z.infer<S>> {
    try {
      return await send(d.api, schema, config);
    } catch (err) {
      if (!isTokenRejection(err) || d.tokens.isTokenError(err)) throw err;
      // The JWT expired or the server restarted with a new secret: renew once, then let a second 401 through.
      d.log?.info('Airflow rejected the API token; renewing it once');
      d.tokens.invalidate();
      return send(d.api, schema, config);
    }
  }

  const noDag = (dagId: string) => `Airflow has no DAG named '${dagId}' (or it has not been parsed yet).`;
  const noRun = (dagId: string, runId: string) => `Airflow has no run '${runId}' of DAG '${dagId}'.`;
  const runPath = (dagId: string, runId: string) => `/dags/${seg(dagId)}/dagRuns/${seg(runId)}`;

  async function taskInstance(dagId: string, runId: string, taskId: string, mapIndex: number, signal?: AbortSignal) {
    const suffix = mapIndex >= 0 ? `/${mapIndex}` : '';
    const body = await explain(
      req(taskInstanceSchema, {
        method: 'GET',
        url: `${runPath(dagId, runId)}/taskInstances/${seg(taskId)}${suffix}`,
        signal,
      }),
      { notFound: `Airflow has no task '${taskId}' in run '${runId}' of DAG '${dagId}'.` },
    );
    return toTaskInstance(body, d.links);
  }

  return {
    async health(opts) {
      const signal = opts?.signal;
      const [h, v] = await Promise.all([
        send(d.root, healthSchema, { method: 'GET', url: '/api/v2/monitor/health', signal }),
        send(d.root, versionSchema, { method: 'GET', url: '/api/v2/version', signal }),
      ]);
      return toHealth(h, v.version, 'v2');
    },

    async listDags(q = {}, opts) {
      const body = await req(dagCollectionV2Schema, {
        method: 'GET',
        url: `/dags${query({
          limit: pageLimit(q.limit, 50),
          offset: q.offset,
          dag_id_pattern: q.pattern || undefined,
          tags: q.tags?.length ? q.tags : undefined,
          paused: q.paused,
          exclude_stale: true,
          order_by: 'dag_id',
        })}`,
        signal: opts?.signal,
      });
      return { items: body.dags.map((b) => toDagV2(b, d.links)), total: body.total_entries };
    },

    async getDag(dagId, opts) {
      checkDagId(dagId);
      const body = await explain(
        req(dagDetailV2Schema, { method: 'GET', url: `/dags/${seg(dagId)}/details`, signal: opts?.signal }),
        { notFound: noDag(dagId) },
      );
      return { ...toDagV2(body, d.links), params: toParams(body.params) };
    },

    async setPaused(dagId, paused, opts) {
      checkDagId(dagId);
      const body = await explain(
        req(dagV2Schema, {
          method: 'PATCH',
          url: `/dags/${seg(dagId)}${query({ update_mask: 'is_paused' })}`,
          data: { is_paused: paused },
          signal: opts?.signal,
        }),
        { notFound: noDag(dagId) },
      );
      return toDagV2(body, d.links);
    },

    async triggerDagRun(dagId, r = {}, opts) {
      checkDagId(dagId);
      if (r.runId !== undefined) checkRunId(r.runId);
      // logical_date is a required key on Airflow 3; null asks for an ad-hoc run without one.
      const data: Record<string, unknown> = { logical_date: null, conf: r.conf ?? {} };
      if (r.runId !== undefined) data.dag_run_id = r.runId;
      if (r.note !== undefined) data.note = r.note;
      const body = await explain(
        req(dagRunSchema, { method: 'POST', url: `/dags/${seg(dagId)}/dagRuns`, data, signal: opts?.signal }),
        {
          notFound: noDag(dagId),
          conflict:
            r.runId !== undefined
              ? `DAG '${dagId}' already has a run with id '${r.runId}': pick another run id.`
              : `Airflow refused a second run of DAG '${dagId}' at the same moment: try again.`,
        },
      );
      return toDagRun(body, d.links);
    },

    async listDagRuns(q, opts) {
      checkDagId(q.dagId, { allowAll: true });
      const body = await explain(
        req(dagRunCollectionSchema, {
          method: 'GET',
          url: `/dags/${seg(q.dagId)}/dagRuns${query({
            limit: pageLimit(q.limit, 50),
            offset: q.offset,
            state: q.states?.length ? q.states : undefined,
            // toISOString ends in Z; a raw '+00:00' would decode to a space.
            updated_at_gte: q.updatedSince?.toISOString(),
            updated_at_lte: q.updatedUntil?.toISOString(),
            order_by: q.orderBy ?? '-run_after',
          })}`,
          signal: opts?.signal,
        }),
        { notFound: noDag(q.dagId) },
      );
      return { items: body.dag_runs.map((b) => toDagRun(b, d.links)), total: body.total_entries };
    },

    async getDagRun(dagId, runId, opts) {
      checkDagId(dagId);
      checkRunId(runId);
      const body = await explain(
        req(dagRunSchema, { method: 'GET', url: runPath(dagId, runId), signal: opts?.signal }),
        { notFound: noRun(dagId, runId) },
      );
      return toDagRun(body, d.links);
    },

    async listTaskInstances(dagId, runId, opts) {
      checkDagId(dagId);
      checkRunId(runId);
      const out: TaskInstance[] = [];
      for (let offset = 0; ; ) {
        const body = await explain(
          req(taskInstanceCollectionSchema, {
            method: 'GET',
            url: `${runPath(dagId, runId)}/taskInstances${query({ limit: 100, offset })}`,
            signal: opts?.signal,
          }),
          { notFound: noRun(dagId, runId) },
        );
        out.push(...body.task_instances.map((b) => toTaskInstance(b, d.links)));
        offset += body.task_instances.length;
        if (!body.task_instances.length || offset >= body.total_entries) return out;
      }
    },

    async taskLog(r, opts) {
      checkDagId(r.dagId);
      checkRunId(r.runId);
      checkTaskId(r.taskId);
      checkTryNumber(r.tryNumber);
      const mapIndex = r.mapIndex ?? -1;
      const signal = opts?.signal;
      let tryNumber = r.tryNumber;
      if (tryNumber === undefined) {
        tryNumber = (await taskInstance(r.dagId, r.runId, r.taskId, mapIndex, signal)).tryNumber;
        if (tryNumber < 1) {
          throw userError(
            'NOT_FOUND',
            `Task '${r.taskId}' of run '${r.runId}' has not started yet, so it has no log.`,
            {
              service: 'airflow',
            },
          );
        }
      }
      const all: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_LOG_PAGES; page++) {
        const body = await explain(
          req(logV2Schema, {
            method: 'GET',
            url: `${runPath(r.dagId, r.runId)}/taskInstances/${seg(r.taskId)}/logs/${tryNumber}${query({
              map_index: mapIndex,
              token,
            })}`,
            headers: { Accept: 'application/json' },
            signal,
          }),
          { notFound: `Airflow has no log for try ${tryNumber} of task '${r.taskId}' in run '${r.runId}'.` },
        );
        for (const item of body.content) all.push(...renderLogItem(item));
        token = body.continuation_token ?? undefined;
        if (!token || !body.content.length) break;
      }
      const { lines, truncated } = tailLines(all, r.lines ?? 100);
      return { tryNumber, lines, truncated, url: d.links.log(r.dagId, r.runId, r.taskId, mapIndex, tryNumber) };
    },

    async clearFailed(r, opts) {
      checkDagId(r.dagId);
      checkRunId(r.runId);
      r.taskIds?.forEach(checkTaskId);
      const data: Record<string, unknown> = {
        // dry_run defaults to true on the server: always send it, or a real clear silently does nothing.
        dry_run: r.dryRun,
        only_failed: true,
        dag_run_id: r.runId,
        reset_dag_runs: true,
      };
      if (r.taskIds?.length) data.task_ids = r.taskIds;
      const body = await explain(
        req(taskInstanceCollectionSchema, {
          method: 'POST',
          url: `/dags/${seg(r.dagId)}/clearTaskInstances`,
          data,
          signal: opts?.signal,
        }),
        { notFound: `Airflow has no DAG named '${r.dagId}' or no run '${r.runId}' of it.` },
      );
      return {
        dryRun: r.dryRun,
        tasks: body.task_instances.map((t) => ({
          taskId: t.task_id,
          mapIndex: t.map_index ?? -1,
          state: toTaskState(t.state),
        })),
      };
    },
  };
}
