import { z } from 'zod';
import { basicAuth } from '../http/basic-auth.js';
import type { AirflowDialect, Call, LogAt } from './airflow-dialect.js';
import {
  type DagV1Body,
  dagCollectionV1Schema,
  dagDetailV1Schema,
  dagV1Schema,
  taskInstanceReferenceCollectionSchema,
} from './airflow-schemas.js';
import { toDagV1 } from './map.js';
import type { ListRunsQuery } from './types.js';

/** Airflow 2 has no run_after; execution_date is its closest sort key. */
const ORDER: Record<NonNullable<ListRunsQuery['orderBy']>, string> = {
  start_date: 'start_date',
  '-start_date': '-start_date',
  updated_at: 'updated_at',
  '-updated_at': '-updated_at',
  run_after: 'execution_date',
  '-run_after': '-execution_date',
};

/** JSON logs on Airflow 2 are a Python repr of (host, text) tuples; plain text is the readable form. */
async function readTextLog(call: Call, at: LogAt): Promise<string[]> {
  const text = await call(z.string(), {
    path: at.path,
    query: { full_content: true, map_index: at.mapIndex >= 0 ? at.mapIndex : undefined },
    text: true,
    notFound: at.notFound,
    signal: at.signal,
  });
  return text.split('\n');
}

/** Airflow 2: /api/v1, HTTP Basic (the `basic_auth` API backend), RFC 7807 error bodies. */
export const dialectV1: AirflowDialect<DagV1Body, z.infer<typeof taskInstanceReferenceCollectionSchema>> = {
  version: 'v1',
  prefix: '/api/v1',
  healthPath: '/health',
  pageSize: 100,
  liveDagsOnly: { only_active: true },
  dags: { one: dagV1Schema, detail: dagDetailV1Schema, page: dagCollectionV1Schema, toDag: toDagV1 },
  // Airflow 2 defaults logical_date to now; sending null is rejected there.
  triggerDefaults: {},
  runOrder: (orderBy) => ORDER[orderBy],
  readLog: readTextLog,
  clear: {
    answer: taskInstanceReferenceCollectionSchema,
    // Airflow 2 answers with bare references; the run's task list supplies state and map index.
    async tasks(body, r, runTasks) {
      const refs = body.task_instances.filter((t) => !t.dag_run_id || t.dag_run_id === r.runId);
      const known = refs.length ? await runTasks() : [];
      const ids = [...new Set(refs.map((t) => t.task_id))];
      return ids.flatMap((id) => {
        const matches = known.filter((t) => t.taskId === id);
        if (!matches.length) return [{ taskId: id, mapIndex: -1, state: 'none' as const }];
        const failed = matches.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
        return (r.dryRun && failed.length ? failed : matches).map((t) => ({
          taskId: t.taskId,
          mapIndex: t.mapIndex,
          state: t.state,
        }));
      });
    },
  },
  auth: ({ username, password }) => ({ sign: basicAuth(username, password) }),
};
