import { BotError, userError } from '../../src/bot/errors.js';
import type {
  AirflowClient,
  AirflowHealth,
  CallOptions,
  ClearRequest,
  ClearResult,
  Dag,
  DagDetail,
  DagRun,
  ListDagsQuery,
  ListRunsQuery,
  Page,
  TaskInstance,
  TaskLog,
  TaskLogRequest,
  TriggerRequest,
} from '../../src/clients/airflow/types.js';

export const FAKE_AIRFLOW_URL = 'http://127.0.0.1:8082';

export function fakeDag(dagId: string, over: Partial<DagDetail> = {}): DagDetail {
  return {
    dagId,
    displayName: dagId,
    isPaused: false,
    isStale: false,
    tags: ['chatops'],
    owners: ['airflow'],
    hasImportErrors: false,
    url: `${FAKE_AIRFLOW_URL}/dags/${dagId}`,
    params: [],
    ...over,
  };
}

export function fakeRun(dagId: string, runId: string, over: Partial<DagRun> = {}): DagRun {
  return {
    dagId,
    runId,
    state: 'queued',
    runType: 'manual',
    conf: {},
    url: `${FAKE_AIRFLOW_URL}/dags/${dagId}/runs/${encodeURIComponent(runId)}`,
    ...over,
  };
}

export function fakeTask(dagId: string, runId: string, taskId: string, over: Partial<TaskInstance> = {}): TaskInstance {
  return {
    dagId,
    runId,
    taskId,
    mapIndex: -1,
    state: 'success',
    tryNumber: 1,
    maxTries: 2,
    url: `${FAKE_AIRFLOW_URL}/dags/${dagId}/runs/${runId}/tasks/${taskId}`,
    logUrl: `${FAKE_AIRFLOW_URL}/dags/${dagId}/runs/${runId}/tasks/${taskId}?tab=logs`,
    ...over,
  };
}

/** An in-memory Airflow behind the client port; records every call, and `failNext` makes the next call throw. */
export class FakeAirflow implements AirflowClient {
  readonly baseUrl = FAKE_AIRFLOW_URL;
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly triggered: { dagId: string; req?: TriggerRequest }[] = [];
  readonly paused: { dagId: string; paused: boolean }[] = [];
  readonly cleared: ClearRequest[] = [];
  dags = new Map<string, DagDetail>();
  runs: DagRun[] = [];
  tasks: TaskInstance[] = [];
  logLines: string[] = ['line 1', 'line 2'];
  health_: AirflowHealth = {
    version: '3.1.0',
    apiVersion: 'v2',
    components: [
      { name: 'metadatabase', status: 'healthy' },
      { name: 'scheduler', status: 'healthy', latestHeartbeat: new Date('2026-11-26T08:59:50Z') },
    ],
  };
  /** The state getDagRun reports next, for progress tests (shifted on each call). */
  runStates: DagRun['state'][] = [];
  private failures: Error[] = [];
  private seq = 0;

  constructor(dags: DagDetail[] = [fakeDag('train_model')]) {
    for (const d of dags) this.dags.set(d.dagId, d);
  }

  failNext(err: Error): this {
    this.failures.push(err);
    return this;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const f = this.failures.shift();
    if (f) throw f;
  }

  private dag(dagId: string): DagDetail {
    const d = this.dags.get(dagId);
    if (!d)
      throw userError('NOT_FOUND', `Airflow: not found: DAG with dag_id: '${dagId}' not found`, {
        service: 'airflow',
        status: 404,
      });
    return d;
  }

  async apiVersion(): Promise<'v2'> {
    this.record('apiVersion');
    return 'v2';
  }

  async health(_o?: CallOptions): Promise<AirflowHealth> {
    this.record('health');
    return this.health_;
  }

  async listDags(q: ListDagsQuery = {}, _o?: CallOptions): Promise<Page<Dag>> {
    this.record('listDags', q);
    const all = [...this.dags.values()].filter(
      (d) =>
        (!q.pattern || d.dagId.toLowerCase().includes(q.pattern.toLowerCase())) &&
        (q.paused === undefined || d.isPaused === q.paused),
    );
    return { items: all.slice(0, q.limit ?? 100), total: all.length };
  }

  async getDag(dagId: string, _o?: CallOptions): Promise<DagDetail> {
    this.record('getDag', dagId);
    return this.dag(dagId);
  }

  async setPaused(dagId: string, paused: boolean, _o?: CallOptions): Promise<Dag> {
    this.record('setPaused', dagId, paused);
    const d = this.dag(dagId);
    d.isPaused = paused;
    this.paused.push({ dagId, paused });
    return d;
  }

  async triggerDagRun(dagId: string, req?: TriggerRequest, _o?: CallOptions): Promise<DagRun> {
    this.record('triggerDagRun', dagId, req);
    this.dag(dagId);
    const runId = req?.runId ?? `manual__2026-11-26T09:00:0${this.seq++}+00:00`;
    if (this.runs.some((r) => r.dagId === dagId && r.runId === runId))
      throw userError('CONFLICT', `Airflow: conflict: run ${runId} exists`, { service: 'airflow', status: 409 });
    const run = fakeRun(dagId, runId, { conf: req?.conf ?? {} });
    this.runs.push(run);
    this.triggered.push({ dagId, req });
    return run;
  }

  async listDagRuns(q: ListRunsQuery, _o?: CallOptions): Promise<Page<DagRun>> {
    this.record('listDagRuns', q);
    if (q.dagId !== '~') this.dag(q.dagId);
    const items = this.runs.filter(
      (r) => (q.dagId === '~' || r.dagId === q.dagId) && (!q.states || q.states.includes(r.state)),
    );
    return { items: items.slice(0, q.limit ?? 100), total: items.length };
  }

  async getDagRun(dagId: string, runId: string, _o?: CallOptions): Promise<DagRun> {
    this.record('getDagRun', dagId, runId);
    const run = this.runs.find((r) => r.dagId === dagId && r.runId === runId);
    if (!run)
      throw new BotError('NOT_FOUND', 'run not found', {
        service: 'airflow',
        status: 404,
        userMessage: 'Airflow: not found',
      });
    const next = this.runStates.shift();
    if (next) run.state = next;
    return run;
  }

  async listTaskInstances(dagId: string, runId: string, _o?: CallOptions): Promise<TaskInstance[]> {
    this.record('listTaskInstances', dagId, runId);
    if (!this.runs.some((r) => r.dagId === dagId && r.runId === runId))
      throw new BotError('NOT_FOUND', 'run not found', {
        service: 'airflow',
        status: 404,
        userMessage: 'Airflow: not found',
      });
    return this.tasks.filter((t) => t.dagId === dagId && t.runId === runId);
  }

  async taskLog(req: TaskLogRequest, _o?: CallOptions): Promise<TaskLog> {
    this.record('taskLog', req);
    const lines = this.logLines.slice(-(req.lines ?? 100));
    return {
      tryNumber: req.tryNumber ?? 1,
      lines,
      truncated: this.logLines.length - lines.length,
      url: `${FAKE_AIRFLOW_URL}/log`,
    };
  }

  async clearFailed(req: ClearRequest, _o?: CallOptions): Promise<ClearResult> {
    this.record('clearFailed', req);
    const failed = this.tasks.filter((t) => t.dagId === req.dagId && t.runId === req.runId && t.state === 'failed');
    if (!req.dryRun) this.cleared.push(req);
    return {
      dryRun: req.dryRun,
      tasks: failed.map((t) => ({ taskId: t.taskId, mapIndex: t.mapIndex, state: t.state })),
    };
  }
}
