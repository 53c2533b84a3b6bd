// The spawned bot in Socket Mode: real Bolt and SocketModeClient against the stand-in's websocket, real Airflow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../standins/fake-slack.js';
import { airflow3Client } from '../support/airflow-admin.js';
import type { SeenMessage } from '../support/chat-driver.js';
import { type SlackBot, startSlackBot } from '../support/slack-bot.js';
import { SlackDriver } from '../support/slack-driver.js';

const airflow = airflow3Client();
const runOf = (m: SeenMessage) => m.fields.find((f) => f.label === 'Run')?.value ?? '';

async function steady<T>(read: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await read();
    } catch (err) {
      if (i >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

async function replyTitled(d: SlackDriver, title: string, timeoutMs = 60_000): Promise<SeenMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await d.nextReply(Math.max(1, deadline - Date.now()));
    if (m.title === title) return m;
  }
}

describe('Slack in Socket Mode, end to end', () => {
  let stand: FakeSlack;
  let bot: SlackBot;
  let driver: SlackDriver;

  beforeAll(async () => {
    stand = new FakeSlack();
    await stand.start();
    bot = await startSlackBot({ stand, mode: 'socket' });
    driver = new SlackDriver({ stand, mode: 'socket' });
  });

  afterAll(async () => {
    // The bot first, and it waits for its socket to close: the other order holds the process 30 s (chat-standins §3).
    await bot?.stop();
    await stand?.stop();
  });

  it('triggers chatops_smoke over the websocket, and Airflow has the run the reply names', async () => {
    await driver.invoke('trigger chatops_smoke');

    const reply = await replyTitled(driver, 'Triggered chatops_smoke');
    expect(stand.acks.length).toBeGreaterThan(0);
    expect((await steady(() => airflow.getDagRun('chatops_smoke', runOf(reply)))).dagId).toBe('chatops_smoke');
  });

  it('reconnects after a disconnect frame and still runs commands', async () => {
    const opened = stand.connectionsOpened;

    stand.disconnect('refresh_requested');
    const deadline = Date.now() + 30_000;
    while (!(stand.connectionsOpened > opened && stand.sockets.size === 1)) {
      if (Date.now() > deadline) throw new Error('the bot did not reconnect');
      await new Promise((r) => setTimeout(r, 50));
    }
    await driver.invoke('trigger chatops_smoke');

    const reply = await replyTitled(driver, 'Triggered chatops_smoke');
    expect((await steady(() => airflow.getDagRun('chatops_smoke', runOf(reply)))).state).toMatch(
      /queued|running|success/,
    );
    const health = (await (await fetch(`${bot.url}/healthz`)).json()) as { adapters: { slack: unknown } };
    expect(health.adapters.slack).toEqual({ ok: true });
  });
});
