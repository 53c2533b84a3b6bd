import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { userError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import { checkDagId, checkRunId, checkTaskId, checkTryNumber, explain, seg } from './errors.js';
import { tailLines } from './log-lines.js';
import { toDagRun, toDagV1, toHealth, toParams, toTaskInstance, type UiLinks } from './map.js';
import { pageLimit, query, send } from './request.js';
import {
  dagCollectionV1Schema,
  dagDetailV1Schema,
  dagRunCollectionSchema,
  dagRunSchema,
  dagV1Schema,
  healthSchema,
  taskInstanceCollectionSchema,
  taskInstanceReferenceCollectionSchema,
  taskInstanceSchema,
  versionSchema,
} from './schemas.js';
import type { AirflowApi, ListRunsQuery, TaskInstance } from './types.js';

export interface V1Deps {
  /** Server root, no credentials: health, version. */
  root: AxiosInstance;
  /** `<root>/api/v1` with Basic auth. */
  api: AxiosInstance;
  links: UiLinks;
  log?: Logger;
}

/** Airflow 2 has no run_after; execution_date is its closest sort key. */
const V1_ORDER: Record<NonNullable<ListRunsQuery['orderBy']>, string> = {
  start_date: 'start_date',
  '-start_date': '-start_date',
  updated_at: 'updated_at',
  '-updated_at': '-updated_at',
  run_after: 'execution_date',
  '-run_after': '-execution_date',
};

export function createV1Api(d: V1Deps): AirflowApi {
  const noDag = (dagId: string) => `Airflow has no DAG named '${dagId}' (or it has not been parsed yet).`;
  const noRun = (dagId: string, runId: string) => `Airflow has no run '${runId}' of DAG '${dagId}'.`;
  const runPath = (dagId: string, runId: string) => `/dags/${seg(dagId)}/dagRuns/${seg(runId)}`;

  async function listTaskInstances(dagId: string, runId: string, signal?: AbortSignal): Promise<TaskInstance[]> {
    const out: TaskInstance[] = [];
    for (let offset = 0; ; ) {
      const body = await explain(
        send(d.api, taskInstanceCollectionSchema, {
          method: 'GET',
          url: `${runPath(dagId, runId)}/taskInstances${query({ limit: 100, offset })}`,
          signal,
        }),
        { notFound: noRun(dagId, runId) },
      );
      out.push(...body.task_instances.map((b) => toTaskInstance(b, d.links)));
      offset += body.task_instances.length;
      if (!body.task_instances.length || offset >= body.total_entries) return out;
    }
  }

  return {
    async health(opts) {
      const signal = opts?.signal;
      const [h, v] = await Promise.all([
        send(d.root, healthSchema, { method: 'GET', url: '/api/v1/health', signal }),
        send(d.root, versionSchema, { method: 'GET', url: '/api/v1/version', signal }),
      ]);
      return toHealth(h, v.version, 'v1');
    },

    async listDags(q = {}, opts) {
      const body = await send(d.api, dagCollectionV1Schema, {
        method: 'GET',
        url: `/dags${query({
          limit: pageLimit(q.limit, 100),
          offset: q.offset,
          dag_id_pattern: q.pattern || undefined,
          tags: q.tags?.length ? q.tags : undefined,
          paused: q.paused,
          only_active: true,
          order_by: 'dag_id',
        })}`,
        signal: opts?.signal,
      });
      return { items: body.dags.map((b) => toDagV1(b, d.links)), total: body.total_entries };
    },

    async getDag(dagId, opts) {
      checkDagId(dagId);
      const body = await explain(
        send(d.api, dagDetailV1Schema, { method: 'GET', url: `/dags/${seg(dagId)}/details`, signal: opts?.signal }),
        { notFound: noDag(dagId) },
      );
      return { ...toDagV1(body, d.links), params: toParams(body.params) };
    },

    async setPaused(dagId, paused, opts) {
      checkDagId(dagId);
      const body = await explain(
        send(d.api, dagV1Schema, {
          method: 'PATCH',
          url: `/dags/${seg(dagId)}${query({ update_mask: 'is_paused' })}`,
          data: { is_paused: paused },
          signal: opts?.signal,
        }),
        { notFound: noDag(dagId) },
      );
      return toDagV1(body, d.links);
    },

    async triggerDagRun(dagId, r = {}, opts) {
      checkDagId(dagId);
      if (r.runId !== undefined) checkRunId(r.runId);
      // Airflow 2 defaults logical_date to now; sending null is rejected there.
      const data: Record<string, unknown> = { conf: r.conf ?? {} };
      if (r.runId !== undefined) data.dag_run_id = r.runId;
      if (r.note !== undefined) data.note = r.note;
      const body = await explain(
        send(d.api, dagRunSchema, { method: 'POST', url: `/dags/${seg(dagId)}/dagRuns`, data, signal: opts?.signal }),
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
        send(d.api, dagRunCollectionSchema, {
          method: 'GET',
          url: `/dags/${seg(q.dagId)}/dagRuns${query({
            limit: pageLimit(q.limit, 100),
            offset: q.offset,
            state: q.states?.length ? q.states : undefined,
            updated_at_gte: q.updatedSince?.toISOString(),
            updated_at_lte: q.updatedUntil?.toISOString(),
            order_by: V1_ORDER[q.orderBy ?? '-run_after'],
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
        send(d.api, dagRunSchema, { method: 'GET', url: runPath(dagId, runId), signal: opts?.signal }),
        { notFound: noRun(dagId, runId) },
      );
      return toDagRun(body, d.links);
    },

    async listTaskInstances(dagId, runId, opts) {
      checkDagId(dagId);
      checkRunId(runId);
      return listTaskInstances(dagId, runId, opts?.signal);
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
        const suffix = mapIndex >= 0 ? `/${mapIndex}` : '';
        const ti = await explain(
          send(d.api, taskInstanceSchema, {
            method: 'GET',
            url: `${runPath(r.dagId, r.runId)}/taskInstances/${seg(r.taskId)}${suffix}`,
            signal,
          }),
          { notFound: `Airflow has no task '${r.taskId}' in run '${r.runId}' of DAG '${r.dagId}'.` },
        );
        tryNumber = ti.try_number ?? 0;
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
      // JSON logs on Airflow 2 are a Python repr of (host, text) tuples; plain text is the readable form.
      const text = await explain(
        send(d.api, z.string(), {
          method: 'GET',
          url: `${runPath(r.dagId, r.runId)}/taskInstances/${seg(r.taskId)}/logs/${tryNumber}${query({
            full_content: true,
            map_index: mapIndex >= 0 ? mapIndex : undefined,
          })}`,
          headers: { Accept: 'text/plain' },
          responseType: 'text',
          signal,
        }),
        { notFound: `Airflow has no log for try ${tryNumber} of task '${r.taskId}' in run '${r.runId}'.` },
      );
      const { lines, truncated } = tailLines(text.split('\n'), r.lines ?? 100);
      return { tryNumber, lines, truncated, url: d.links.log(r.dagId, r.runId, r.taskId, mapIndex, tryNumber) };
    },

    async clearFailed(r, opts) {
      checkDagId(r.dagId);
      checkRunId(r.runId);
      r.taskIds?.forEach(checkTaskId);
      const data: Record<string, unknown> = {
        dry_run: r.dryRun,
        only_failed: true,
        dag_run_id: r.runId,
        reset_dag_runs: true,
      };
      if (r.taskIds?.length) data.task_ids = r.taskIds;
      const body = await explain(
        send(d.api, taskInstanceReferenceCollectionSchema, {
          method: 'POST',
          url: `/dags/${seg(r.dagId)}/clearTaskInstances`,
          data,
          signal: opts?.signal,
        }),
        { notFound: `Airflow has no DAG named '${r.dagId}' or no run '${r.runId}' of it.` },
      );
      // Airflow 2 answers with bare references; the run's task list supplies state and map index.
      const refs = body.task_instances.filter((t) => !t.dag_run_id || t.dag_run_id === r.runId);
      const known = refs.length ? await listTaskInstances(r.dagId, r.runId, opts?.signal) : [];
      const ids = [...new Set(refs.map((t) => t.task_id))];
      const tasks = ids.flatMap((id) => {
        const matches = known.filter((t) => t.taskId === id);
        if (!matches.length) return [{ taskId: id, mapIndex: -1, state: 'none' as const }];
        const failed = matches.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
        return (r.dryRun && failed.length ? failed : matches).map((t) => ({
          taskId: t.taskId,
          mapIndex: t.mapIndex,
          state: t.state,
        }));
      });
      return { dryRun: r.dryRun, tasks };
    },
  };
}
