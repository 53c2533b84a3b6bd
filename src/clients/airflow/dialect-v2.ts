import type { z } from 'zod';
import type { AirflowDialect, Call, LogAt } from './airflow-dialect.js';
import { describeFastApiError } from './airflow-errors.js';
import {
  type DagV2Body,
  dagCollectionV2Schema,
  dagDetailV2Schema,
  dagV2Schema,
  logV2Schema,
  taskInstanceCollectionSchema,
} from './airflow-schemas.js';
import { bearerAuth, createTokenSource, isTokenRejection, mapTokenRejection } from './auth.js';
import { renderLogItem } from './log-lines.js';
import { toDagV2, toTaskState } from './map.js';

/** Pages of log chunks to follow for one call; a running task keeps handing out tokens. */
const MAX_LOG_PAGES = 50;

/** Airflow 3 serves logs as JSON items, a page at a time behind continuation tokens. */
async function readJsonLog(call: Call, at: LogAt): Promise<string[]> {
  const all: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_LOG_PAGES; page++) {
    const body = await call(logV2Schema, {
      path: at.path,
      query: { map_index: at.mapIndex, token },
      notFound: at.notFound,
      signal: at.signal,
    });
    for (const item of body.content) all.push(...renderLogItem(item));
    token = body.continuation_token ?? undefined;
    if (!token || !body.content.length) break;
  }
  return all;
}

/** Airflow 3: /api/v2, a JWT from /auth/token, FastAPI error bodies. */
export const dialectV2: AirflowDialect<DagV2Body, z.infer<typeof taskInstanceCollectionSchema>> = {
  version: 'v2',
  prefix: '/api/v2',
  healthPath: '/monitor/health',
  pageSize: 50,
  liveDagsOnly: { exclude_stale: true },
  dags: { one: dagV2Schema, detail: dagDetailV2Schema, page: dagCollectionV2Schema, toDag: toDagV2 },
  // logical_date is a required key on Airflow 3; null asks for an ad-hoc run without one.
  triggerDefaults: { logical_date: null },
  runOrder: (orderBy) => orderBy,
  readLog: readJsonLog,
  clear: {
    answer: taskInstanceCollectionSchema,
    tasks: async (body) =>
      body.task_instances.map((t) => ({ taskId: t.task_id, mapIndex: t.map_index ?? -1, state: toTaskState(t.state) })),
  },
  auth({ root, username, password, log }) {
    const tokens = createTokenSource({ root, username, password, log });
    return {
      sign: bearerAuth(tokens),
      renewed(err) {
        if (!isTokenRejection(err) || tokens.isTokenError(err)) return false;
        // The JWT expired or the server restarted with a new secret: renew once, then let a second 401 through.
        log?.info('Airflow rejected the API token; renewing it once');
        tokens.invalidate();
        return true;
      },
    };
  },
  describeError: describeFastApiError,
  mapError: mapTokenRejection,
};
