import { userError } from '../../bot/errors.js';
import { checkId } from '../../bot/ids.js';
import type { Http } from '../http/create-http.js';
import type { AirflowDialect, Call } from './airflow-dialect.js';
import { checkTryNumber } from './airflow-errors.js';
import {
  dagRunCollectionSchema,
  dagRunSchema,
  healthSchema,
  taskInstanceCollectionSchema,
  taskInstanceSchema,
  versionSchema,
} from './airflow-schemas.js';
import { tailLines } from './log-lines.js';
import { toDagRun, toHealth, toParams, toTaskInstance, type UiLinks } from './map.js';
import type { AirflowApi, TaskInstance } from './types.js';

export interface AirflowOperationsDeps<B, C> {
  dialect: AirflowDialect<B, C>;
  /** The server root, no credentials: health, version. */
  root: Http;
  /** `<root><prefix>` with the dialect's credentials. */
  api: Http;
  /** From the dialect's auth: true when a rejected credential was renewed and the call may go once more. */
  renewed?: (err: unknown) => boolean;
  links: UiLinks;
}

const seg = encodeURIComponent;

/** Airflow caps pages at 100 (`[api] maximum_page_limit`). */
function pageLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  return Math.min(100, Math.max(1, Math.floor(limit)));
}

const noDag = (dagId: string) => `Airflow has no DAG named '${dagId}' (or it has not been parsed yet).`;
const noRun = (dagId: string, runId: string) => `Airflow has no run '${runId}' of DAG '${dagId}'.`;
const noTask = (dagId: string, runId: string, taskId: string) =>
  `Airflow has no task '${taskId}' in run '${runId}' of DAG '${dagId}'.`;
const runPath = (dagId: string, runId: string) => `/dags/${seg(dagId)}/dagRuns/${seg(runId)}`;
const taskPath = (dagId: string, runId: string, taskId: string) =>
  `${runPath(dagId, runId)}/taskInstances/${seg(taskId)}`;

/** Every AirflowClient call, written once; the dialect supplies what differs between API versions. */
export function createAirflowOperations<B, C>(d: AirflowOperationsDeps<B, C>): AirflowApi {
  const { dialect, links } = d;

  const call: Call = async (schema, req) => {
    try {
      return await d.api.send(schema, req);
    } catch (err) {
      if (!d.renewed?.(err)) throw err;
      return d.api.send(schema, req);
    }
  };

  async function listTaskInstances(dagId: string, runId: string, signal?: AbortSignal): Promise<TaskInstance[]> {
    const out: TaskInstance[] = [];
    for (let offset = 0; ; ) {
      const body = await call(taskInstanceCollectionSchema, {
        path: `${runPath(dagId, runId)}/taskInstances`,
        query: { limit: 100, offset },
        notFound: noRun(dagId, runId),
        signal,
      });
      out.push(...body.task_instances.map((b) => toTaskInstance(b, links)));
      offset += body.task_instances.length;
      if (!body.task_instances.length || offset >= body.total_entries) return out;
    }
  }

  return {
    async health(opts) {
      const signal = opts?.signal;
      const [h, v] = await Promise.all([
        d.root.send(healthSchema, { path: `${dialect.prefix}${dialect.healthPath}`, signal }),
        d.root.send(versionSchema, { path: `${dialect.prefix}/version`, signal }),
      ]);
      return toHealth(h, v.version, dialect.version);
    },

    async listDags(q = {}, opts) {
      const body = await call(dialect.dags.page, {
        path: '/dags',
        query: {
          limit: pageLimit(q.limit, dialect.pageSize),
          offset: q.offset,
          dag_id_pattern: q.pattern || undefined,
          tags: q.tags?.length ? q.tags : undefined,
          paused: q.paused,
          ...dialect.liveDagsOnly,
          order_by: 'dag_id',
        },
        signal: opts?.signal,
      });
      return { items: body.dags.map((b) => dialect.dags.toDag(b, links)), total: body.total_entries };
    },

    async getDag(dagId, opts) {
      checkId('dag', dagId, 'airflow');
      const body = await call(dialect.dags.detail, {
        path: `/dags/${seg(dagId)}/details`,
        notFound: noDag(dagId),
        signal: opts?.signal,
      });
      return { ...dialect.dags.toDag(body, links), params: toParams(body.params) };
    },

    async setPaused(dagId, paused, opts) {
      checkId('dag', dagId, 'airflow');
      const body = await call(dialect.dags.one, {
        method: 'PATCH',
        path: `/dags/${seg(dagId)}`,
        query: { update_mask: 'is_paused' },
        body: { is_paused: paused },
        notFound: noDag(dagId),
        signal: opts?.signal,
      });
      return dialect.dags.toDag(body, links);
    },

    async triggerDagRun(dagId, r = {}, opts) {
      checkId('dag', dagId, 'airflow');
      if (r.runId !== undefined) checkId('run', r.runId, 'airflow');
      const body: Record<string, unknown> = { ...dialect.triggerDefaults, conf: r.conf ?? {} };
      if (r.runId !== undefined) body.dag_run_id = r.runId;
      if (r.note !== undefined) body.note = r.note;
      const run = await call(dagRunSchema, {
        method: 'POST',
        path: `/dags/${seg(dagId)}/dagRuns`,
        body,
        notFound: noDag(dagId),
        conflict:
          r.runId !== undefined
            ? `DAG '${dagId}' already has a run with id '${r.runId}': pick another run id.`
            : `Airflow refused a second run of DAG '${dagId}' at the same moment: try again.`,
        signal: opts?.signal,
      });
      return toDagRun(run, links);
    },

    async listDagRuns(q, opts) {
      // `~` is Airflow's "every DAG".
      if (q.dagId !== '~') checkId('dag', q.dagId, 'airflow');
      const body = await call(dagRunCollectionSchema, {
        path: `/dags/${seg(q.dagId)}/dagRuns`,
        query: {
          limit: pageLimit(q.limit, dialect.pageSize),
          offset: q.offset,
          state: q.states?.length ? q.states : undefined,
          // toISOString ends in Z; a raw '+00:00' would decode to a space.
          updated_at_gte: q.updatedSince?.toISOString(),
          updated_at_lte: q.updatedUntil?.toISOString(),
          order_by: dialect.runOrder(q.orderBy ?? '-run_after'),
        },
        notFound: noDag(q.dagId),
        signal: opts?.signal,
      });
      return { items: body.dag_runs.map((b) => toDagRun(b, links)), total: body.total_entries };
    },

    async getDagRun(dagId, runId, opts) {
      checkId('dag', dagId, 'airflow');
      checkId('run', runId, 'airflow');
      const body = await call(dagRunSchema, {
        path: runPath(dagId, runId),
        notFound: noRun(dagId, runId),
        signal: opts?.signal,
      });
      return toDagRun(body, links);
    },

    async listTaskInstances(dagId, runId, opts) {
      checkId('dag', dagId, 'airflow');
      checkId('run', runId, 'airflow');
      return listTaskInstances(dagId, runId, opts?.signal);
    },

    async taskLog(r, opts) {
      checkId('dag', r.dagId, 'airflow');
      checkId('run', r.runId, 'airflow');
      checkId('task', r.taskId, 'airflow');
      checkTryNumber(r.tryNumber);
      const mapIndex = r.mapIndex ?? -1;
      const signal = opts?.signal;
      let tryNumber = r.tryNumber;
      if (tryNumber === undefined) {
        const ti = await call(taskInstanceSchema, {
          path: `${taskPath(r.dagId, r.runId, r.taskId)}${mapIndex >= 0 ? `/${mapIndex}` : ''}`,
          notFound: noTask(r.dagId, r.runId, r.taskId),
          signal,
        });
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
      const all = await dialect.readLog(call, {
        path: `${taskPath(r.dagId, r.runId, r.taskId)}/logs/${tryNumber}`,
        mapIndex,
        notFound: `Airflow has no log for try ${tryNumber} of task '${r.taskId}' in run '${r.runId}'.`,
        signal,
      });
      const { lines, truncated } = tailLines(all, r.lines ?? 100);
      return { tryNumber, lines, truncated, url: links.log(r.dagId, r.runId, r.taskId, mapIndex, tryNumber) };
    },

    async clearFailed(r, opts) {
      checkId('dag', r.dagId, 'airflow');
      checkId('run', r.runId, 'airflow');
      for (const t of r.taskIds ?? []) checkId('task', t, 'airflow');
      const body: Record<string, unknown> = {
        // dry_run defaults to true on Airflow 3: always send it, or a real clear silently does nothing.
        dry_run: r.dryRun,
        only_failed: true,
        dag_run_id: r.runId,
        reset_dag_runs: true,
      };
      if (r.taskIds?.length) body.task_ids = r.taskIds;
      const answer = await call(dialect.clear.answer, {
        method: 'POST',
        path: `/dags/${seg(r.dagId)}/clearTaskInstances`,
        body,
        notFound: `Airflow has no DAG named '${r.dagId}' or no run '${r.runId}' of it.`,
        signal: opts?.signal,
      });
      const tasks = await dialect.clear.tasks(answer, r, () => listTaskInstances(r.dagId, r.runId, opts?.signal));
      return { dryRun: r.dryRun, tasks };
    },
  };
}
