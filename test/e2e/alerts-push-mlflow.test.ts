// Issue 6 end to end, the push paths and MLflow: the spawned bot, real Airflow 3 / MLflow 3, the Slack stand-in.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, type SlackCall } from '../standins/fake-slack.js';
import { airflow3Client, setVariable, uniqueRunId, waitFor } from '../support/airflow-admin.js';
import { type BotProcess, freePort, SLACK_OPERATOR, SLACK_SECRET, startBot } from '../support/bot-process.js';
import type { SeenMessage } from '../support/chat-driver.js';
import { fetchAgain } from '../support/fetch-again.js';
import { MlflowSeed, uniqueName } from '../support/mlflow-seed.js';
import { MLFLOW_URL } from '../support/services.js';
import { SlackDriver } from '../support/slack-driver.js';

const AIRFLOW_SECRET = 'e2e-airflow-push-secret';
const MLFLOW_SECRET = 'e2e-mlflow-webhook-secret';
const CHANNEL = 'C0PUSH';
const airflow = airflow3Client();

const blocksOf = (c: SlackCall) => JSON.stringify(c.body.blocks ?? '');
const posted = (slack: FakeSlack, needle: string) =>
  slack.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' && c.status === 200 && c.body.channel === CHANNEL && blocksOf(c).includes(needle),
  );

async function replyWhere(driver: SlackDriver, pred: (m: SeenMessage) => boolean): Promise<SeenMessage> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = await driver.nextReply(Math.max(1, deadline - Date.now()));
    if (pred(m)) return m;
  }
}

async function mlflowRest(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
  const res = await fetchAgain(`${MLFLOW_URL}/api/2.0/mlflow${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

describe('alerts: push paths, best runs and registry events', () => {
  let slack: FakeSlack;
  let bot: BotProcess;
  let driver: SlackDriver;
  let dir: string;
  const seed = new MlflowSeed();
  let webhookId: string | undefined;
  let port: number;
  const start = (watchInterval: string) =>
    startBot({
      port,
      statePath: join(dir, 'state.db'),
      slack,
      env: {
        WATCH_INTERVAL: watchInterval,
        WATCH_LOOKBACK: '0',
        AIRFLOW_WEBHOOK_SECRET: AIRFLOW_SECRET,
        MLFLOW_WEBHOOK_SECRET: MLFLOW_SECRET,
        MLOPS_OPERATORS: `slack:${SLACK_OPERATOR}`,
      },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlops-push-'));
    slack = new FakeSlack();
    await slack.start();
    port = await freePort();
    // Polling once a day: anything that shows up within seconds came through a push.
    bot = await start('86400');
    driver = new SlackDriver({
      stand: slack,
      mode: 'http',
      eventsUrl: `${bot.url}/slack/events`,
      signingSecret: SLACK_SECRET,
      user: SLACK_OPERATOR,
      channel: CHANNEL,
    });
  });

  afterAll(async () => {
    await setVariable('MLOPS_BOT_WEBHOOK_URL', '').catch(() => undefined);
    if (webhookId) await mlflowRest('DELETE', `/webhooks/${webhookId}`).catch(() => undefined);
    await seed.cleanup().catch(() => undefined);
    await bot?.stop();
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses webhooks with a bad signature and posts nothing', async () => {
    const before = slack.calls.length;
    const body = JSON.stringify({ event: 'dag_run_failed', dag_id: 'chatops_flaky', run_id: 'forged' });
    const ts = Math.floor(Date.now() / 1000);
    const forged = createHmac('sha256', 'not-the-secret').update(`${ts}.${body}`).digest('hex');
    const airflowRes = await fetch(`${bot.url}/webhooks/airflow`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-mlops-timestamp': String(ts),
        'x-mlops-signature': `v1=${forged}`,
      },
      body,
    });
    expect(airflowRes.status).toBe(401);
    const mlflowBody = JSON.stringify({
      entity: 'model_version',
      action: 'created',
      data: { name: 'm', version: '1' },
    });
    const mlflowRes = await fetch(`${bot.url}/webhooks/mlflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlflow-signature': 'sha256=00' },
      body: mlflowBody,
    });
    expect(mlflowRes.status).toBe(401);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('posts the failure card within 5 s of the run failing through the DAG callback, with polling slowed to a day', async () => {
    expect(await driver.slash('subscribe failures chatops_flaky')).toBe(200);
    await replyWhere(driver, (m) => m.title === 'Subscribed this channel to failures');
    await setVariable('chatops_flaky_fail', 'true');
    await setVariable('MLOPS_BOT_WEBHOOK_URL', `${bot.url}/webhooks/airflow`);
    await setVariable('MLOPS_BOT_WEBHOOK_SECRET', AIRFLOW_SECRET);
    const runId = uniqueRunId('push');
    await airflow.triggerDagRun('chatops_flaky', { runId });
    const run = await waitFor(
      'the flaky run to fail',
      () => airflow.getDagRun('chatops_flaky', runId),
      (r) => r.state === 'failed',
      150_000,
      500,
    );
    const card = await slack
      .waitFor((c) => c.method === 'chat.postMessage' && blocksOf(c).includes(runId), 20_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}\nbot log:\n${bot.output().slice(-6000)}`);
      });
    const latencyMs = card.at - (run.endDate?.getTime() ?? card.at);
    expect(latencyMs).toBeLessThan(5_000);
    expect(posted(slack, runId)).toHaveLength(1);
  });

  it('posts exactly one best-run notice, with the delta, for a better run and nothing for a worse one', async () => {
    const experiment = uniqueName('e2e_best');
    const expId = await seed.experiment(experiment);
    await seed.run(expId, { name: 'baseline', metrics: { f1: 0.8 }, params: { n_estimators: '50' } });
    // Runs have no push path: this scenario polls every 5 s.
    await bot.stop();
    bot = await start('5');
    expect(await driver.slash(`subscribe best ${experiment} f1`)).toBe(200);
    await replyWhere(driver, (m) => m.title === 'Subscribed this channel to best');
    // The first tick after subscribing takes the current best (0.8) as the baseline.
    await new Promise((r) => setTimeout(r, 7_000));
    const better = await seed.run(expId, { name: 'better', metrics: { f1: 0.85 }, params: { n_estimators: '200' } });
    await seed.run(expId, { name: 'worse', metrics: { f1: 0.7 }, params: { n_estimators: '5' } });
    const notice = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && blocksOf(c).includes(`New best f1 in ${experiment}`),
      90_000,
    );
    expect(blocksOf(notice)).toContain('+0.05 (was 0.8)');
    expect(blocksOf(notice)).toContain(better.runId);
    await new Promise((r) => setTimeout(r, 12_000));
    expect(posted(slack, `New best f1 in ${experiment}`)).toHaveLength(1);
  });

  it('posts one message when a real MLflow webhook reports an alias change', async () => {
    const model = await seed.model(uniqueName('e2e_model'));
    const expId = await seed.experiment(uniqueName('e2e_reg'));
    const run = await seed.run(expId, { name: 'candidate', metrics: { f1: 0.9 } });
    const version = await seed.version(model, run);
    expect(await driver.slash(`subscribe models ${model}`)).toBe(200);
    await replyWhere(driver, (m) => m.title === 'Subscribed this channel to models');
    const created = await mlflowRest('POST', '/webhooks', {
      name: uniqueName('e2e_hook'),
      url: `${bot.url}/webhooks/mlflow`,
      events: [{ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }],
      secret: MLFLOW_SECRET,
    });
    webhookId = String((created.webhook as { webhook_id: string }).webhook_id);
    // MLflow caches webhooks for MLFLOW_WEBHOOK_CACHE_TTL (1 s in the local stack).
    await new Promise((r) => setTimeout(r, 2_500));
    await seed.alias(model, 'champion', version);
    const post = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && blocksOf(c).includes(`${model}@champion`),
      30_000,
    );
    expect(blocksOf(post)).toContain(`version ${version}`);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(posted(slack, `${model}@champion`)).toHaveLength(1);
  });
});
