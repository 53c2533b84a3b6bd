import { Writable } from 'node:stream';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import type {
  AirflowClient,
  DagRun,
  DagRunState,
  ListRunsQuery,
  TaskInstance,
  TaskLogRequest,
} from '../../../src/clients/airflow/types.js';
import { createAirflowFailureWatcher, errorLineOf } from '../../../src/scheduler/watchers/airflow-failures.js';

type Port = Pick<AirflowClient, 'listDagRuns' | 'getDagRun' | 'listTaskInstances' | 'taskLog'>;

/** Airflow's run list as the REST API serves it: a window of updated_at, in that order, paged by offset. */
class FakeAirflowRuns implements Port {
  runs: (DagRun & { updatedAt: Date })[] = [];
  tasks = new Map<string, TaskInstance[]>();
  calls: string[] = [];
  /** 'dag/run' keys whose task list answers 503, as when one run's lookup breaks. */
  brokenTasks = new Set<string>();

  put(dagId: string, runId: string, state: DagRunState, at: Date, failedTask = 'train'): void {
    const url = `http://af/dags/${dagId}/runs/${runId}`;
    const run = {
      dagId,
      runId,
      state,
      runType: 'manual',
      conf: {},
      url,
      startDate: new Date(at.getTime() - 5_000),
      endDate: at,
      updatedAt: at,
    };
    this.runs = this.runs.filter((r) => !(r.dagId === dagId && r.runId === runId));
    this.runs.push(run);
    this.tasks.set(`${dagId}/${runId}`, [
      { dagId, runId, taskId: 'extract', mapIndex: -1, state: 'success', tryNumber: 1, maxTries: 0, url, logUrl: url },
      {
        dagId,
        runId,
        taskId: failedTask,
        mapIndex: -1,
        state: state === 'failed' ? 'failed' : 'success',
        tryNumber: 1,
        maxTries: 0,
        url,
        logUrl: `${url}/tasks/${failedTask}`,
      },
    ]);
  }

  async listDagRuns(q: ListRunsQuery) {
    this.calls.push(`listDagRuns ${q.dagId}`);
    const items = this.runs
      .filter(
        (r) => (!q.updatedSince || r.updatedAt >= q.updatedSince) && (!q.updatedUntil || r.updatedAt <= q.updatedUntil),
      )
      .sort((a, b) => (q.orderBy === 'updated_at' ? a.updatedAt.getTime() - b.updatedAt.getTime() : 0));
    const offset = q.offset ?? 0;
    return { items: items.slice(offset, offset + (q.limit ?? 100)), total: items.length };
  }
  async getDagRun(dagId: string, runId: string) {
    this.calls.push(`getDagRun ${dagId} ${runId}`);
    const run = this.runs.find((r) => r.dagId === dagId && r.runId === runId);
    if (!run) throw new BotError('NOT_FOUND', 'run not found', { service: 'airflow', status: 404 });
    return run;
  }
  async listTaskInstances(dagId: string, runId: string) {
    this.calls.push(`listTaskInstances ${dagId} ${runId}`);
    if (this.brokenTasks.has(`${dagId}/${runId}`))
      throw new BotError('UPSTREAM_UNAVAILABLE', 'Airflow answered 503', { service: 'airflow', status: 503 });
    return this.tasks.get(`${dagId}/${runId}`) ?? [];
  }
  async taskLog(req: TaskLogRequest) {
    this.calls.push(`taskLog ${req.taskId}`);
    return {
      tryNumber: 1,
      truncated: 0,
      url: 'http://af/log',
      lines: [
        '[task] starting',
        'connecting to postgres://etl:hunter2@db:5432/warehouse',
        'Traceback (most recent call last):',
        '  File "x.py", line 3',
        `RuntimeError: ${req.dagId} exploded`,
        '[task] done',
      ],
    };
  }
}

const log = pino({ level: 'silent' });
const T0 = new Date('2026-11-26T10:00:00Z');
const at = (sec: number) => new Date(T0.getTime() + sec * 1000);

describe('the Airflow failure watcher', () => {
  let airflow: FakeAirflowRuns;
  let cursor: string | undefined;
  const watcher = () => createAirflowFailureWatcher({ airflow, startedAt: at(0), retriedBy: async () => 'slack:U42' });
  const tick = async (sec: number) => {
    const out = await watcher().check({ cursor, now: at(sec), log, signal: new AbortController().signal });
    cursor = out.cursor;
    return out.alerts;
  };

  beforeEach(() => {
    airflow = new FakeAirflowRuns();
    cursor = undefined;
  });

  it('makes one request per idle poll whatever the number of DAGs', async () => {
    for (let i = 0; i < 200; i++) airflow.put(`dag_${i}`, 'old', 'success', at(-7200));
    await tick(0);
    airflow.calls = [];
    expect(await tick(30)).toEqual([]);
    expect(airflow.calls).toEqual(['listDagRuns ~']);
  });

  it('opens one card per new failed run with the failed task and the error line from its log', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    const alerts = await tick(30);
    expect(alerts).toHaveLength(1);
    const [a] = alerts;
    expect(a?.kind).toBe('open');
    expect(a?.key).toBe('airflow:train_model:r1');
    expect(a?.message.fields?.find((f) => f.label === 'Failed task')?.value).toBe('train');
    expect(a?.message.text).toContain('RuntimeError: train_model exploded');
    expect(a?.message.actions?.map((x) => x.label)).toEqual(['Retry', 'Logs', 'Mute 1h', 'Open in Airflow']);
    expect(a?.message.code?.body).toContain('postgres://etl:');
    expect(JSON.stringify(a?.message)).not.toContain('hunter2');
  });

  it('does not alert twice for a run seen again in the overlap or after a restart', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    expect(await tick(30)).toHaveLength(1);
    expect(await tick(60)).toHaveLength(0);
    const saved = cursor;
    cursor = saved;
    expect(await tick(90)).toHaveLength(0);
  });

  it('catches up after downtime on a failure it never saw', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    // the bot was down from 5 s to 3600 s
    expect(await tick(3600)).toHaveLength(1);
  });

  it('resolves the same card when the failed run is retried and succeeds, naming who retried', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    await tick(30);
    airflow.put('train_model', 'r1', 'success', at(100));
    const alerts = await tick(120);
    expect(alerts.map((a) => [a.kind, a.key])).toEqual([['resolve', 'airflow:train_model:r1']]);
    expect(alerts[0]?.message.tone).toBe('success');
    expect(alerts[0]?.message.text).toContain('retried by slack:U42');
    expect(alerts[0]?.threadReply?.text).toContain('succeeded after a retry');
  });

  it('resolves open incidents when the next run of the DAG succeeds', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    await tick(30);
    airflow.put('train_model', 'r2', 'success', at(100));
    const alerts = await tick(120);
    expect(alerts.map((a) => [a.kind, a.key])).toEqual([['resolve', 'airflow:train_model:r1']]);
    expect(alerts[0]?.message.text).toContain('next run r2 succeeded');
  });

  it('folds the third failure within an hour into the latest card with a counter', async () => {
    await tick(0);
    airflow.put('etl', 'a', 'failed', at(10));
    airflow.put('etl', 'b', 'failed', at(20));
    const first = await tick(30);
    expect(first.map((a) => a.kind)).toEqual(['open', 'open']);
    airflow.put('etl', 'c', 'failed', at(40));
    const third = await tick(60);
    expect(third.map((a) => [a.kind, a.key])).toEqual([['update', 'airflow:etl:b']]);
    expect(third[0]?.message.title).toBe('etl failed 3 times in the last hour');
  });

  it('turns the card amber while a retry runs, then red again when the retry fails', async () => {
    await tick(0);
    airflow.put('train_model', 'r1', 'failed', at(10));
    await tick(30);
    airflow.put('train_model', 'r1', 'running', at(40));
    const retrying = await tick(60);
    expect(retrying.map((a) => [a.kind, a.key, a.message.tone])).toEqual([
      ['update', 'airflow:train_model:r1', 'warning'],
    ]);
    expect(retrying[0]?.message.title).toBe('train_model retrying, attempt 2');
    airflow.put('train_model', 'r1', 'failed', at(100));
    const again = await tick(120);
    expect(again.map((a) => [a.kind, a.key, a.message.tone])).toEqual([['update', 'airflow:train_model:r1', 'error']]);
    airflow.put('train_model', 'r1', 'success', at(200));
    const resolved = await tick(220);
    expect(resolved[0]?.message.text).toContain('Recovered after 3 attempts');
  });

  it('ignores successes of DAGs that have no open incident', async () => {
    await tick(0);
    airflow.put('quiet', 'r1', 'success', at(10));
    expect(await tick(30)).toEqual([]);
  });

  it('posts the other DAGs’ cards when one run’s task lookup fails, and that run’s card on a later tick', async () => {
    await tick(0);
    airflow.put('etl', 'r1', 'failed', at(10));
    airflow.put('train_model', 'r2', 'failed', at(12));
    airflow.brokenTasks.add('etl/r1');

    const first = await tick(30);
    const stillBroken = await tick(200);
    airflow.brokenTasks.clear();
    const mended = await tick(400);
    const after = await tick(600);

    expect(first.map((a) => a.key)).toEqual(['airflow:train_model:r2']);
    expect(stillBroken).toEqual([]);
    expect(mended.map((a) => [a.kind, a.key])).toEqual([['open', 'airflow:etl:r1']]);
    expect(after).toEqual([]);
  });

  it('logs the run whose card is held back, with the reason', async () => {
    let logged = '';
    const capture = pino(
      { level: 'warn' },
      new Writable({
        write: (c, _e, cb) => {
          logged += String(c);
          cb();
        },
      }),
    );
    await tick(0);
    airflow.put('etl', 'r1', 'failed', at(10));
    airflow.brokenTasks.add('etl/r1');

    await watcher().check({ cursor, now: at(30), log: capture, signal: new AbortController().signal });

    expect(JSON.parse(logged)).toMatchObject({
      dag: 'etl',
      run: 'r1',
      err: 'Airflow answered 503',
      msg: 'failed run not alerted yet: retrying next tick',
    });
  });

  it('reads a backlog past the 2,000-run cap over the next ticks and loses no card', async () => {
    await tick(0);
    // An outage: 2,500 runs of as many DAGs failed, 100 ms apart, while nothing polled.
    for (let i = 0; i < 2_500; i++) airflow.put(`dag_${i}`, 'r', 'failed', new Date(at(10).getTime() + i * 100));

    const perTick: number[] = [];
    const keys = new Set<string>();
    for (let sec = 300; sec <= 450; sec += 30) {
      const alerts = await tick(sec);
      perTick.push(alerts.length);
      for (const a of alerts) keys.add(a.key);
    }

    expect(perTick[0]).toBeLessThanOrEqual(2_000);
    expect(perTick.reduce((a, b) => a + b, 0)).toBe(2_500);
    expect(keys.size).toBe(2_500);
  });

  it('reads a bulk update of more than the cap within one millisecond whole, and moves on', async () => {
    await tick(0);
    for (let i = 0; i < 2_100; i++) airflow.put(`dag_${i}`, 'r', 'failed', at(10));

    const first = await tick(300);
    const second = await tick(330);

    expect([first.length, second.length]).toEqual([2_100, 0]);
  });
});

describe('errorLineOf', () => {
  it('picks the last exception line of a traceback', () => {
    expect(errorLineOf(['a', 'Traceback (most recent call last):', 'ValueError: bad input', 'cleanup'])).toBe(
      'ValueError: bad input',
    );
  });
  it('returns nothing for a log without an error', () => {
    expect(errorLineOf(['all', 'good'])).toBeUndefined();
  });
});

describe('the failure watcher look-back', () => {
  it('never alerts on failures from before its first poll minus WATCH_LOOKBACK, even through the overlap', async () => {
    const airflow = new FakeAirflowRuns();
    airflow.put('etl', 'old', 'failed', at(-30));
    const watcher = createAirflowFailureWatcher({ airflow, lookbackMs: 0, startedAt: at(0) });
    const first = await watcher.check({ now: at(0), log, signal: new AbortController().signal });
    expect(first.alerts).toEqual([]);
    const second = await watcher.check({ cursor: first.cursor, now: at(5), log, signal: new AbortController().signal });
    expect(second.alerts).toEqual([]);
    airflow.put('etl', 'new', 'failed', at(3));
    const third = await watcher.check({
      cursor: second.cursor,
      now: at(10),
      log,
      signal: new AbortController().signal,
    });
    expect(third.alerts.map((a) => a.key)).toEqual(['airflow:etl:new']);
  });
});

describe('the failure watcher when its first poll fails', () => {
  it('still counts its look-back from when the bot started, so no failure in between is lost', async () => {
    const airflow = new FakeAirflowRuns();
    const watcher = createAirflowFailureWatcher({ airflow, lookbackMs: 0, startedAt: at(0) });
    // Airflow was down for the first polls; the run failed at 20 s; the first poll that works is at 60 s.
    airflow.put('etl', 'r1', 'failed', at(20));
    const out = await watcher.check({ now: at(60), log, signal: new AbortController().signal });
    expect(out.alerts.map((a) => a.key)).toEqual(['airflow:etl:r1']);
  });
});

describe('recovery order', () => {
  it('does not call a failure recovered by a success that ended before it', async () => {
    const airflow = new FakeAirflowRuns();
    const watcher = createAirflowFailureWatcher({ airflow, lookbackMs: 60_000, startedAt: at(0) });
    const signal = new AbortController().signal;
    airflow.put('etl', 'earlier_ok', 'success', at(-20));
    airflow.put('etl', 'failed', 'failed', at(-10));
    const first = await watcher.check({ now: at(0), log, signal });
    expect(first.alerts.map((a) => a.kind)).toEqual(['open']);
    // The next poll re-reads both through the overlap.
    const second = await watcher.check({ cursor: first.cursor, now: at(5), log, signal });
    expect(second.alerts).toEqual([]);
  });
});
