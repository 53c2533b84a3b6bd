// Issue 6 end to end: the spawned bot, real Airflow 3 and MLflow, and both chat stand-ins.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeMessage } from '../standins/fake-discord.js';
import { FakeSlack, type SlackCall } from '../standins/fake-slack.js';
import { airflow3Client, setVariable, uniqueRunId, waitFor } from '../support/airflow-admin.js';
import { type BotProcess, freePort, SLACK_OPERATOR, SLACK_SECRET, startBot } from '../support/bot-process.js';
import type { SeenMessage } from '../support/chat-driver.js';
import { SlackDriver } from '../support/slack-driver.js';

const DAG = 'chatops_flaky';
const airflow = airflow3Client();

const mentions = (c: SlackCall, runId: string) => JSON.stringify(c.body.blocks ?? '').includes(runId);
const isCard = (c: SlackCall, channel: string, runId: string) =>
  c.method === 'chat.postMessage' &&
  c.status === 200 &&
  c.body.channel === channel &&
  !c.body.thread_ts &&
  mentions(c, runId);
const discordCards = (d: FakeDiscord, runId: string) =>
  d.events.filter(
    (e) => e.kind === 'create' && e.via === 'channel' && JSON.stringify(e.message.embeds).includes(runId),
  );

/** Alert cards land in the same channel as command replies: skip to the reply that matches. */
async function replyWhere(
  driver: SlackDriver,
  pred: (m: SeenMessage) => boolean,
  timeoutMs = 30_000,
): Promise<SeenMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await driver.nextReply(Math.max(1, deadline - Date.now()));
    if (pred(m)) return m;
  }
}

async function failRun(label: string): Promise<string> {
  const runId = uniqueRunId(label);
  await airflow.triggerDagRun(DAG, { runId });
  await waitFor(
    'the flaky run to fail',
    () => airflow.getDagRun(DAG, runId),
    (r) => r.state === 'failed',
    150_000,
    1_500,
  );
  return runId;
}

describe('alerts: failure cards, recovery, restarts and mutes', () => {
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let bot: BotProcess;
  let driver: SlackDriver;
  let dir: string;
  let port: number;
  const discordOperator = '300000000000000001';
  const start = (env: Record<string, string> = {}) =>
    startBot({
      port,
      statePath: join(dir, 'state.db'),
      slack,
      discord,
      env: {
        WATCH_INTERVAL: '5',
        // Earlier suites failed chatops_flaky too: this bot only cares about failures after it first started.
        WATCH_LOOKBACK: '0',
        MLOPS_OPERATORS: `slack:${SLACK_OPERATOR},discord:${discordOperator}`,
        ...env,
      },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlops-alerts-'));
    port = await freePort();
    slack = new FakeSlack();
    await slack.start();
    discord = await FakeDiscord.start();
    await setVariable('chatops_flaky_fail', 'true');
    bot = await start();
    driver = new SlackDriver({
      stand: slack,
      mode: 'http',
      eventsUrl: `${bot.url}/slack/events`,
      signingSecret: SLACK_SECRET,
      user: SLACK_OPERATOR,
      channel: 'C0ALERTS',
    });
    expect(await driver.slash('subscribe failures chatops_flaky')).toBe(200);
    await replyWhere(driver, (m) => m.title === 'Subscribed this channel to failures');
    const id = discord.chatInput('subscribe', { topic: 'failures', target: DAG }, { id: discordOperator });
    await discord.waitFor(
      () => discord.events.find((e) => e.interactionId === id && e.kind === 'edit'),
      10_000,
      'the Discord subscribe reply',
    );
  });

  // The retry scenario switches the failure off; every other scenario needs it on.
  afterEach(async () => {
    await setVariable('chatops_flaky_fail', 'true');
  });

  afterAll(async () => {
    await bot?.stop();
    await setVariable('chatops_flaky_fail', 'true').catch(() => undefined);
    await discord?.close();
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts exactly one card per subscribed channel, with the failed task and the error line of the real log', async () => {
    const runId = await failRun('card');
    const card = await slack
      .waitFor((c) => isCard(c, 'C0ALERTS', runId), 30_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}\nbot log:\n${bot.output().slice(-6000)}`);
      });
    const text = JSON.stringify(card.body.blocks);
    expect(text).toContain('chatops_flaky failed');
    expect(text).toContain('flaky');
    expect(text).toContain('RuntimeError');
    await discord.waitFor(() => discordCards(discord, runId)[0], 30_000, 'the Discord card');
    // Two more polls must not post it again.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(slack.calls.filter((c) => isCard(c, 'C0ALERTS', runId))).toHaveLength(1);
    expect(discordCards(discord, runId)).toHaveLength(1);
  });

  it('edits the same card to recovered and replies in its thread when Retry is clicked after the fix', async () => {
    const runId = await failRun('retry');
    const card = await slack.waitFor((c) => isCard(c, 'C0ALERTS', runId), 30_000);
    const discordCard = await discord.waitFor(() => discordCards(discord, runId)[0], 30_000, 'the Discord card');
    await setVariable('chatops_flaky_fail', 'false');

    // The driver clicks on what it has seen: show it the card, then click Retry and Confirm as the operator.
    while (!JSON.stringify((await driver.nextChannelPost('C0ALERTS', 30_000)).raw).includes(runId)) {}
    await driver.click('Retry');
    const preview = await replyWhere(driver, (m) => m.buttons.includes('Confirm'));
    expect(preview.title).toContain('chatops_flaky');
    await driver.click('Confirm');

    const edit = await slack.waitFor(
      (c) => c.method === 'chat.update' && c.body.ts === card.id && JSON.stringify(c.body.blocks).includes('recovered'),
      120_000,
    );
    expect(JSON.stringify(edit.body.blocks)).toContain(`slack:${SLACK_OPERATOR}`);
    const reply = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.body.thread_ts === card.id, 30_000);
    expect(String(JSON.stringify(reply.body))).toContain('succeeded after a retry');
    const discordEdit = await discord.waitFor(
      () =>
        discord.events.find(
          (e) =>
            e.kind === 'edit' &&
            e.message.id === discordCard.message.id &&
            JSON.stringify(e.message.embeds).includes('recovered'),
        ),
      30_000,
      'the Discord card edited to recovered',
    );
    expect((discordEdit.message as FakeMessage).id).toBe(discordCard.message.id);
  });

  it('posts a failure that happened while the bot was killed exactly once after it restarts, and never twice', async () => {
    await bot.stop();
    bot = await start({ WATCH_INTERVAL: '86400' });
    const runId = await failRun('kill9');
    await bot.stop('SIGKILL');
    expect(slack.calls.filter((c) => isCard(c, 'C0ALERTS', runId))).toHaveLength(0);

    bot = await start();
    await slack.waitFor((c) => isCard(c, 'C0ALERTS', runId), 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await bot.stop('SIGKILL');
    bot = await start();
    await new Promise((r) => setTimeout(r, 12_000));
    expect(slack.calls.filter((c) => isCard(c, 'C0ALERTS', runId))).toHaveLength(1);
    expect(discordCards(discord, runId)).toHaveLength(1);
  });

  it('holds a failure back while muted and posts a summary when the mute ends', async () => {
    expect(await driver.slash('mute chatops_flaky 20s')).toBe(200);
    await replyWhere(driver, (m) => m.title === 'Muted chatops_flaky for 20s');
    const runId = await failRun('muted');
    // Discord was not muted: its card proves the watcher saw the failure.
    await discord.waitFor(() => discordCards(discord, runId)[0], 30_000, 'the Discord card');
    expect(slack.calls.filter((c) => isCard(c, 'C0ALERTS', runId))).toHaveLength(0);
    const summary = await slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.channel === 'C0ALERTS' &&
        JSON.stringify(c.body.blocks).includes('Mute of chatops_flaky ended'),
      60_000,
    );
    expect(JSON.stringify(summary.body.blocks)).toContain('chatops_flaky failed');
    expect(slack.calls.filter((c) => isCard(c, 'C0ALERTS', runId))).toHaveLength(0);
  });
});
