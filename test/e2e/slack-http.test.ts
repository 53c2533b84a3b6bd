// The spawned bot, real Bolt in HTTP mode, the local Slack stand-in, and the real Airflow and MLflow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../standins/fake-slack.js';
import { airflow3Client, waitFor } from '../support/airflow-admin.js';
import type { SeenMessage } from '../support/chat-driver.js';
import { chatScenarios } from '../support/chat-scenarios.js';
import { OPERATOR, SIGNING_SECRET, type SlackBot, startSlackBot } from '../support/slack-bot.js';
import { SlackDriver } from '../support/slack-driver.js';

const airflow = airflow3Client();
const field = (m: SeenMessage, label: string) => m.fields.find((f) => f.label === label)?.value;
/** The SQLite-backed Airflow answers a 500 ("database is locked") or drops a connection now and then under load. */
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
const runCount = (dagId: string) => steady(async () => (await airflow.listDagRuns({ dagId, limit: 1 })).total);
const getRun = (dagId: string, runId: string) => steady(() => airflow.getDagRun(dagId, runId));

describe('Slack over HTTP, end to end', () => {
  let stand: FakeSlack;
  let bot: SlackBot;
  let driver: SlackDriver;
  let smokeRun: string;

  beforeAll(async () => {
    stand = new FakeSlack();
    await stand.start();
    bot = await startSlackBot({ stand, mode: 'http' });
    driver = new SlackDriver({ stand, mode: 'http', eventsUrl: bot.eventsUrl, signingSecret: SIGNING_SECRET });
  });

  afterAll(async () => {
    // The bot first: it still holds keep-alive connections to the stand-in.
    await bot?.stop();
    await stand?.stop();
  });

  it('triggers chatops_smoke: the channel reply names the run, Airflow has it, and the reply is edited to success', async () => {
    await driver.invoke('trigger chatops_smoke');

    const reply = await driver.nextReply(30_000);
    expect(reply).toMatchObject({ title: 'Triggered chatops_smoke', tone: 'success', ephemeral: false });
    smokeRun = String(field(reply, 'Run'));
    const run = await getRun('chatops_smoke', smokeRun);
    expect(run.runId).toBe(smokeRun);
    const posted = stand.calls.find((c) => c.method === 'chat.postMessage' && c.status === 200);
    const done = await waitForReply(driver, (m) => m.title === 'chatops_smoke: success', 150_000);
    const edit = stand.calls.filter((c) => c.method === 'chat.update').at(-1);
    expect(edit?.body).toMatchObject({ channel: 'C0OPS', ts: posted?.id });
    expect(field(done, 'Run')).toBe(smokeRun);
    expect((await getRun('chatops_smoke', smokeRun)).state).toBe('success');
  });

  it('answers status with an ephemeral report of the services', async () => {
    await driver.invoke('status');

    const reply = await waitForReply(driver, (m) => m.fields.some((f) => f.label === 'MLflow'));
    expect(reply.ephemeral).toBe(true);
    expect(field(reply, 'MLflow')).toBe('healthy');
  });

  it('shows the log of a task of the triggered run', async () => {
    await driver.invoke(`logs chatops_smoke ${smokeRun} hello`);

    const reply = await waitForReply(driver, (m) => m.title?.startsWith('hello, try') === true);
    expect(JSON.stringify(reply.raw)).toContain('chatops_smoke: hello');
  });

  it('runs the command line of a clicked button (Status on the trigger reply)', async () => {
    await driver.click('Status');

    const reply = await waitForReply(driver, (m) => m.title === 'chatops_smoke: success' && m.ephemeral);
    expect(field(reply, 'Run')).toBe(smokeRun);
  });

  it('cancels a retry from its preview, which is edited to cancelled, and clears nothing', async () => {
    const failed = await failedFlakyRun();
    await driver.invoke(`retry chatops_flaky ${failed}`);
    const preview = await waitForReply(driver, (m) => m.buttons.includes('Confirm'));
    expect(preview.title).toMatch(/^Clear 1 task of chatops_flaky\?$/);
    const previewTs = stand.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200).at(-1)?.id;

    await driver.click('Cancel');

    const cancelled = await waitForReply(driver, (m) => /Cancelled/.test(m.text));
    expect(cancelled.text).toContain('Nothing changed');
    const edit = stand.calls.filter((c) => c.method === 'chat.update').at(-1);
    expect(edit?.body.ts).toBe(previewTs);
    expect((await getRun('chatops_flaky', failed)).state).toBe('failed');
  });

  it('confirms a retry from its preview: the preview becomes the result and Airflow clears the task', async () => {
    const failed = await failedFlakyRun();
    await driver.invoke(`retry chatops_flaky ${failed}`);
    await waitForReply(driver, (m) => m.buttons.includes('Confirm'));
    const previewTs = stand.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 200).at(-1)?.id;

    await driver.click('Confirm');

    const result = await waitForReply(driver, (m) => m.title === 'Cleared 1 task of chatops_flaky');
    expect(field(result, 'Run')).toBe(failed);
    expect(stand.calls.filter((c) => c.method === 'chat.update').at(-1)?.body.ts).toBe(previewTs);
    const run = await waitFor(
      'the cleared run to leave failed',
      () => getRun('chatops_flaky', failed),
      (r) => r.state !== 'failed',
      60_000,
      500,
    ).catch(() => getRun('chatops_flaky', failed));
    // Cleared with fail=true it fails again, but only after running: a second try proves the clear happened.
    const tries = await steady(() => airflow.listTaskInstances('chatops_flaky', failed));
    expect(run.state !== 'failed' || tries.some((t) => t.tryNumber > 1)).toBe(true);
  });

  it.each([['forged'], ['missing'], ['stale']] as const)(
    'answers 401 to a %s signature and triggers nothing',
    async (signature) => {
      const before = await runCount('chatops_smoke');
      const calls = stand.calls.length;

      const status = await driver.slash('trigger chatops_smoke', {}, signature);

      expect(status).toBe(401);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await runCount('chatops_smoke')).toBe(before);
      expect(stand.calls.slice(calls)).toEqual([]);
    },
  );

  it('denies trigger to a user who is not an operator, and triggers nothing', async () => {
    const before = await runCount('chatops_smoke');

    await driver.invoke('trigger chatops_smoke', { user: 'U0INTRUDER' });

    const denied = await waitForReply(driver, (m) => /needs the operate role/.test(m.text));
    expect(denied.text).toContain('slack:U0INTRUDER');
    expect(denied.ephemeral).toBe(true);
    expect(await runCount('chatops_smoke')).toBe(before);
  });

  it('waits out a 429 from Slack and delivers the reply exactly once', async () => {
    const from = stand.calls.length;
    stand.rateLimitNext(1, 1);

    await driver.invoke('trigger chatops_smoke');

    const reply = await waitForReply(driver, (m) => m.title === 'Triggered chatops_smoke');
    const posts = stand.calls.slice(from).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(
      stand.calls.slice(from).filter((c) => c.method === 'response' && JSON.stringify(c.body).includes('Triggered')),
    ).toEqual([]);
    expect(await getRun('chatops_smoke', String(field(reply, 'Run')))).toMatchObject({ dagId: 'chatops_smoke' });
  });

  it('answers an @mention in the thread of the mentioning message', async () => {
    const from = stand.calls.length;

    await driver.mention('status');

    const post = await stand.waitFor((c) => c.method === 'chat.postEphemeral', 60_000, from);
    expect(post.body).toMatchObject({ channel: 'C0OPS', user: 'U0OPERATOR' });
    expect(String(post.body.thread_ts)).toMatch(/^\d+\.\d{6}$/);
    expect(JSON.stringify(post.body.blocks)).toContain('MLflow');
  });

  it('serves /healthz with the Slack adapter and the upstream state', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    const body = (await res.json()) as { adapters: Record<string, unknown>; upstream: Record<string, { ok: boolean }> };

    expect(body.adapters.slack).toEqual({ ok: true });
    expect(body.upstream.airflow?.ok).toBe(true);
    expect(body.upstream.mlflow?.ok).toBe(true);
  });

  async function waitForReply(
    d: SlackDriver,
    pred: (m: SeenMessage) => boolean,
    timeoutMs = 60_000,
  ): Promise<SeenMessage> {
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    for (;;) {
      const m = await d.nextReply(Math.max(1, deadline - Date.now())).catch((err: Error) => {
        throw new Error(`${err.message}\nreplies seen meanwhile: ${JSON.stringify(seen)}`);
      });
      if (pred(m)) return m;
      seen.push(`${m.title ?? ''} | ${m.text.slice(0, 200)}`);
    }
  }

  /** A chatops_flaky run that failed (param fail=true fails every try), triggered straight through Airflow. */
  async function failedFlakyRun(): Promise<string> {
    const run = await steady(() => airflow.triggerDagRun('chatops_flaky', { conf: { fail: true } }));
    await waitFor(
      'chatops_flaky to fail',
      () => getRun('chatops_flaky', run.runId),
      (r) => r.state === 'failed',
    );
    return run.runId;
  }
});

describe('Slack over HTTP: the shared chat scenarios', () => {
  let stand: FakeSlack;
  let bot: SlackBot;
  const airflow = airflow3Client();

  beforeAll(async () => {
    stand = new FakeSlack();
    await stand.start();
    bot = await startSlackBot({ stand, mode: 'http' });
  });

  afterAll(async () => {
    await bot?.stop();
    await stand?.stop();
  });

  let n = 0;
  chatScenarios(() => ({
    // A channel per scenario, so one scenario's late progress edits never read as another's replies.
    driver: () =>
      new SlackDriver({
        stand,
        mode: 'http',
        eventsUrl: bot.eventsUrl,
        signingSecret: SIGNING_SECRET,
        channel: `C0SCEN${++n}`,
      }),
    airflow,
    operator: { user: OPERATOR },
    reader: { user: 'U0READER' },
  }));
});
