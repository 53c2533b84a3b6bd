// Alerts on Discord: the real scheduler and outbox bring a failure of the real Airflow to two channels through the
// Discord adapter (a 429 on the way is waited out, nothing doubled), and the card's Retry edits both cards in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirflowClient } from '../../src/clients/airflow/types.js';
import { FakeDiscord, type MessageEvent, snowflake } from '../standins/fake-discord.js';
import { airflow3Client, uniqueRunId } from '../support/airflow-admin.js';
import { replyWhere, steady } from '../support/chat-scenarios.js';
import { type SpawnedBot, spawnDiscordBot } from '../support/discord-bot.js';
import { DiscordDriver, discordSeen } from '../support/discord-driver.js';

let fake: FakeDiscord;
let bot: SpawnedBot;
let airflow: AirflowClient;
const operator = { user: snowflake(), roles: [] as string[] };
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function waitForFailed(dagId: string, id: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while ((await steady(() => airflow.getDagRun(dagId, id))).state !== 'failed') {
    if (Date.now() > deadline) throw new Error(`${dagId} ${id} did not fail in time`);
    await sleep(1_000);
  }
}

/** The first watcher tick replays the last hour of every DAG; wait until that backlog is delivered. */
async function outboxQuiet(quietMs = 7_000): Promise<void> {
  const deadline = Date.now() + 120_000;
  let seen = -1;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error('the outbox never went quiet');
    const n = fake.calls.filter((c) => c.path.startsWith('/channels/')).length;
    if (n !== seen) {
      seen = n;
      since = Date.now();
    }
    await sleep(250);
  }
}

const runField = (e: MessageEvent) => discordSeen(e.message).fields.find((f) => f.label === 'Run')?.value;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  airflow = airflow3Client();
  bot = await spawnDiscordBot({
    fake,
    env: {
      WATCH_INTERVAL: '5',
      ALERT_CHANNELS: `discord:${fake.channelId},discord:${fake.otherChannelId}`,
      MLOPS_OPERATORS: `discord:${operator.user}`,
    },
  });
  await sleep(6_000);
  await outboxQuiet();
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Discord e2e: alerts through the outbox', () => {
  it('brings a new failure to both channels once, waiting out a 429, and Retry edits both cards', async () => {
    const from = fake.events.length;
    const fromCall = fake.calls.length;
    const runId = uniqueRunId('discord_alert');
    fake.rateLimitNext(new RegExp(`^/channels/${fake.channelId}/messages`), 0.3);
    // Fails on every try, whatever the shared chatops_flaky_fail Variable says.
    await steady(() => airflow.triggerDagRun('chatops_flaky', { runId, conf: { fail: true } }));
    await waitForFailed('chatops_flaky', runId);

    const ours = (channelId: string) =>
      fake.events
        .slice(from)
        .filter((e) => e.via === 'channel' && e.message.channel_id === channelId && runField(e) === runId);
    // A new card, or an edit of an open chatops_flaky card ("failed 2 times in the last hour").
    const [a] = await fake.waitFor(() => (ours(fake.channelId).length ? ours(fake.channelId) : undefined), 150_000);
    const [b] = await fake.waitFor(() => (ours(fake.otherChannelId).length ? ours(fake.otherChannelId) : undefined));
    await sleep(11_000);

    const cardA = a?.message.id as string;
    const cardB = b?.message.id as string;
    expect(discordSeen(a?.message as never).title).toMatch(/^chatops_flaky failed/);
    expect(ours(fake.channelId)).toHaveLength(1);
    expect(ours(fake.otherChannelId)).toHaveLength(1);
    const toA = fake.calls.slice(fromCall).filter((c) => c.path.startsWith(`/channels/${fake.channelId}/messages`));
    expect(toA[0]?.status).toBe(429);
    expect(toA[1]?.body).toEqual(toA[0]?.body);

    const d = new DiscordDriver(fake, { defaultUser: operator });
    await d.clickOn(cardA, 'Retry');
    const preview = await replyWhere(d, (m) => m.buttons.includes('Confirm'), 60_000);
    const edits = fake.events.length;
    await d.click('Confirm');
    const cleared = await replyWhere(d, (m) => (m.title ?? '').startsWith('Cleared'), 60_000);
    const editOf = (id: string) =>
      fake.events.slice(edits).find((e) => e.via === 'channel' && e.kind === 'edit' && e.message.id === id);
    const editA = await fake.waitFor(() => editOf(cardA), 150_000, 'an edit of card A');
    const editB = await fake.waitFor(() => editOf(cardB), 150_000, 'an edit of card B');

    expect(preview.title).toBe('Clear 1 task of chatops_flaky?');
    expect(cleared.tone).toBe('success');
    expect(discordSeen(editA.message).title).toMatch(/^chatops_flaky (retrying|failed|recovered)/);
    expect(editB.message.channel_id).toBe(fake.otherChannelId);
  });
});
