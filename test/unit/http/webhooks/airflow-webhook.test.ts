import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/bot/logger.js';
import { createAirflowWebhook } from '../../../../src/http/webhooks/airflow-webhook.js';
import { signAirflowEvent } from '../../../../src/http/webhooks/signatures.js';
import { createScheduler } from '../../../../src/scheduler/scheduler.js';
import { createSqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../src/store/store.js';

const SECRET = 'airflow-hook-secret';
const T0 = Date.parse('2026-11-26T10:00:00Z');
const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

const push = (task: string | null, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ event: 'task_failed', dag_id: 'etl', run_id: 'scheduled__1', task_id: task, ...extra }));

describe('the Airflow failure push against replays', () => {
  let store: Store;
  let clock: number;
  let kicks: number;

  const hook = () =>
    createAirflowWebhook({
      secret: SECRET,
      scheduler: createScheduler({
        watchers: [],
        store,
        adapters: new Map(),
        defaults: [],
        log,
        clock: { now: () => new Date(clock) },
        intervalSec: 30,
      }),
      kick: async () => {
        kicks++;
      },
      log,
      followUpsMs: [0],
      now: () => new Date(clock),
    });
  const send = async (body: Buffer, signedAtMs = clock) => {
    const res = await hook()(body, signAirflowEvent(SECRET, body, Math.floor(signedAtMs / 1000)));
    await new Promise((r) => setTimeout(r, 5));
    return res;
  };

  beforeEach(() => {
    store = createSqliteStore({ path: ':memory:', now: () => new Date(clock) });
    clock = T0;
    kicks = 0;
  });

  afterEach(async () => {
    await store.close();
  });

  it('drops a replay of an identical signed push inside its window', async () => {
    const body = push('train');
    const headers = signAirflowEvent(SECRET, body, Math.floor(clock / 1000));

    const first = await hook()(body, headers);
    clock += 120_000;
    const replay = await hook()(body, headers);
    await new Promise((r) => setTimeout(r, 5));

    expect([first.status, replay.status, replay.body]).toEqual([202, 200, { duplicate: true }]);
    expect(kicks).toBe(1);
  });

  it('lets two task failures of one run through, even in the same second', async () => {
    const answers = [(await send(push('extract'))).status, (await send(push('train'))).status];

    expect(answers).toEqual([202, 202]);
    expect(kicks).toBe(2);
  });

  it('lets two mapped instances of one task through, told apart by map_index', async () => {
    const answers = [
      (await send(push('score', { map_index: 0, try_number: 1 }))).status,
      (await send(push('score', { map_index: 1, try_number: 1 }))).status,
    ];

    expect(answers).toEqual([202, 202]);
  });

  it('lets the same event through again when it was signed at another second', async () => {
    const answers = [(await send(push('train'), clock)).status, (await send(push('train'), clock + 1_000)).status];

    expect(answers).toEqual([202, 202]);
  });
});
