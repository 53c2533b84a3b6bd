import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/bot/logger.js';
import type { Message } from '../../../../src/bot/message.js';
import type { Destination, PostedRef } from '../../../../src/bot/types.js';
import { createMlflowWebhook } from '../../../../src/http/webhooks/mlflow-webhook.js';
import { createScheduler, type Scheduler } from '../../../../src/scheduler/scheduler.js';
import { createSqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../../src/store/store.js';

const SECRET = 'mlflow-hook-secret';
const T0 = Date.parse('2026-11-26T10:00:00Z');

function aliasSet(version: string, timestamp = '2026-11-26T10:00:00.000001+00:00'): Buffer {
  return Buffer.from(
    JSON.stringify({
      entity: 'model_version_alias',
      action: 'created',
      timestamp,
      data: { name: 'churn', alias: 'champion', version },
    }),
  );
}

/** What MLflow 3.x sends: v1 over "<delivery id>.<unix s>.<body>". */
function v1(body: Buffer, deliveryId: string, atMs: number, secret = SECRET) {
  const ts = String(Math.floor(atMs / 1000));
  const sig = createHmac('sha256', secret).update(`${deliveryId}.${ts}.`).update(body).digest('base64');
  return { 'x-mlflow-signature': `v1,${sig}`, 'x-mlflow-delivery-id': deliveryId, 'x-mlflow-timestamp': ts };
}

describe('the MLflow webhook against replays', () => {
  let dir: string;
  let store: Store;
  let scheduler: Scheduler;
  let clock: number;
  let logged: string;
  let posted: Message[];

  const log = createLogger({
    level: 'info',
    destination: new Writable({
      write: (c, _e, cb) => {
        logged += String(c);
        cb();
      },
    }),
  });
  const slack = {
    async post(to: Destination, message: Message): Promise<PostedRef> {
      posted.push(message);
      return { platform: 'slack', channelId: to.channelId, messageId: String(posted.length) };
    },
    async update() {},
  };
  const open = () => {
    store = createSqliteStore({ path: join(dir, 'state.db'), now: () => new Date(clock) });
    scheduler = createScheduler({
      watchers: [],
      store,
      adapters: new Map([['slack', slack]]),
      defaults: [{ platform: 'slack', channelId: 'C0MODELS' }],
      log,
      clock: { now: () => new Date(clock) },
      intervalSec: 30,
    });
  };
  const hook = () =>
    createMlflowWebhook({ secret: SECRET, scheduler, uiUrl: 'http://mlflow.local', log, now: () => new Date(clock) });
  /** Posts that reached the channel, once every delivery started so far has finished. */
  const delivered = async () => {
    await scheduler.drain();
    return posted.length;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlops-hook-'));
    clock = T0;
    logged = '';
    posted = [];
    open();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a signed delivery once and answers a replay of it with 200 and nothing queued', async () => {
    const body = aliasSet('3');
    const headers = v1(body, 'd-1', clock);

    const first = await hook()(body, headers);
    clock += 60_000;
    const replay = await hook()(body, headers);

    expect([first, replay]).toEqual([
      { status: 200, body: { queued: 1 } },
      { status: 200, body: { duplicate: true } },
    ]);
    expect(await delivered()).toBe(1);
  });

  it('refuses a legacy sha256= body replayed under fresh delivery ids, and says MLflow 3.x signs with v1', async () => {
    const body = aliasSet('3');
    const legacy = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

    const answers = [];
    for (const id of ['forged-1', 'forged-2', 'forged-3'])
      answers.push((await hook()(body, { 'x-mlflow-signature': legacy, 'x-mlflow-delivery-id': id })).status);

    expect(answers).toEqual([401, 401, 401]);
    expect(await delivered()).toBe(0);
    expect(logged).toContain('MLflow 3.x signs with v1');
  });

  it('refuses a captured v1 request whose delivery id was changed', async () => {
    const body = aliasSet('3');
    const captured = v1(body, 'd-1', clock);

    const res = await hook()(body, { ...captured, 'x-mlflow-delivery-id': 'd-2' });

    expect(res.status).toBe(401);
    expect(await delivered()).toBe(0);
  });

  it('still drops the replay after a restart, and refuses it as stale once the window has passed', async () => {
    const body = aliasSet('3');
    const headers = v1(body, 'd-1', clock);
    await hook()(body, headers);
    await delivered();
    await store.close();
    open();

    clock += 4 * 60_000;
    const afterRestart = await hook()(body, headers);
    clock += 2 * 60_000;
    const late = await hook()(body, headers);

    expect([afterRestart.status, afterRestart.body, late.status]).toEqual([200, { duplicate: true }, 401]);
    expect(await delivered()).toBe(1);
  });

  it('without a delivery id, tells two versions apart and drops the same event sent twice', async () => {
    const same = '2026-11-26T10:00:00.000001+00:00';
    const v3 = aliasSet('3', same);
    const v4 = aliasSet('4', same);

    const answers = [
      await hook()(v3, v1(v3, '', clock)),
      await hook()(v4, v1(v4, '', clock)),
      await hook()(v4, v1(v4, '', clock + 1_000)),
    ];

    expect(answers.map((a) => a.body)).toEqual([{ queued: 1 }, { queued: 1 }, { duplicate: true }]);
    expect(await delivered()).toBe(2);
  });

  it('refuses a delivery id longer than any MLflow sends before touching the store', async () => {
    const body = aliasSet('3');

    const res = await hook()(body, v1(body, 'x'.repeat(129), clock));

    expect(res.status).toBe(400);
    expect(await store.seenDelivery('mlflow', 'x'.repeat(129))).toBe(false);
  });
});
