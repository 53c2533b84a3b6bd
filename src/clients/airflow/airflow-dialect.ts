import type { InternalAxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import type { BotError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import type { Http } from '../http/create-http.js';
import type { HttpRequest } from '../http/send.js';
import type { UiLinks } from './map.js';
import type { AirflowApiVersion, ClearRequest, ClearResult, Dag, ListRunsQuery, TaskInstance } from './types.js';

/** Sends one API call: the pipeline's send, plus whatever the dialect's auth does on a rejected credential. */
export type Call = <S extends z.ZodType>(schema: S, req: HttpRequest) => Promise<z.infer<S>>;

export interface AirflowAuth {
  /** Adds the credentials to a request. */
  sign(req: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> | InternalAxiosRequestConfig;
  /** True when `err` rejected a credential that has now been renewed, so the call may be sent once more. */
  renewed?(err: unknown): boolean;
}

/** Where one task try's log is, for a dialect to read in its own format. */
export interface LogAt {
  path: string;
  mapIndex: number;
  notFound: string;
  signal?: AbortSignal;
}

/**
 * What differs between Airflow 3 (/api/v2) and Airflow 2 (/api/v1); every operation is written once against this.
 * `B` is the DAG body of the version, `C` its answer to a clear.
 */
export interface AirflowDialect<B = unknown, C = unknown> {
  readonly version: AirflowApiVersion;
  /** Where the REST API lives below the server root. */
  readonly prefix: string;
  /** The health endpoint below the prefix; it, like /version, answers without credentials. */
  readonly healthPath: string;
  /** Page size when the caller names none (Airflow caps every page at 100). */
  readonly pageSize: number;
  /** The query flag that leaves out DAGs whose file is gone. */
  readonly liveDagsOnly: Readonly<Record<string, boolean>>;
  readonly dags: {
    one: z.ZodType<B>;
    detail: z.ZodType<B & { params?: Record<string, unknown> | null }>;
    page: z.ZodType<{ dags: B[]; total_entries: number }>;
    toDag(body: B, links: UiLinks): Dag;
  };
  /** Keys every trigger body carries besides conf, run id and note. */
  readonly triggerDefaults: Readonly<Record<string, unknown>>;
  /** The `order_by` value the server understands for the bot's sort key. */
  runOrder(orderBy: NonNullable<ListRunsQuery['orderBy']>): string;
  /** Reads a task try's log as plain lines, untrimmed. */
  readLog(call: Call, at: LogAt): Promise<string[]>;
  readonly clear: {
    answer: z.ZodType<C>;
    /** The cleared tasks with their state; `runTasks` lists the run's task instances when the answer lacks them. */
    tasks(body: C, r: ClearRequest, runTasks: () => Promise<TaskInstance[]>): Promise<ClearResult['tasks']>;
  };
  auth(deps: { root: Http; username: string; password: string; log?: Logger }): AirflowAuth;
  /** Reads the server's error body beyond the shared `detail`/`title`. */
  describeError?(status: number, data: unknown): string | undefined;
  /** Takes over the mapping of an error answer the shared mapping gets wrong. */
  mapError?(status: number, data: unknown): BotError | undefined;
}
