import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../../src/adapters/slack/slack-adapter.js';
import { isBotError } from '../../../../src/bot/errors.js';
import { createLogger } from '../../../../src/bot/logger.js';
import type { Message } from '../../../../src/bot/message.js';
import type { BotCore, Invocation, Plan } from '../../../../src/bot/types.js';
import { createHttpServer, type HttpServer } from '../../../../src/http/http-server.js';
import { fakeRun, fakeTask } from '../../../fakes/fake-airflow.js';
import { createTestCore, type TestCore } from '../../../fakes/test-core.js';
import { asLine } from '../../../fixtures/messages.js';
import { FakeSlack } from '../../../standins/fake-slack.js';
import { SlackDriver, slackSign } from '../../../support/slack-driver.js';

const SECRET = 'unit-signing-secret';
const quietLog = () => createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/** A plan as the core makes one; `answersPreview` and `refused` are the core's to say, so the script says them. */
function planOf(reply: Plan['reply'], run: Plan['run'], o: { answersPreview?: boolean; refused?: boolean } = {}): Plan {
  return { reply, answersPreview: o.answersPreview ?? false, run, refused: () => o.refused ?? false };
}

/** A core that answers a few fixed lines and records every invocation it planned. */
class FakeCore implements BotCore {
  readonly planned: Invocation[] = [];
  plan(inv: Invocation): Plan {
    this.planned.push(inv);
    const line = inv.input.kind === 'line' ? inv.input.line : inv.input.verb;
    const [verb, ...rest] = line.split(/\s+/);
    // This fake's Confirm lines end in --yes; `deny` stands for a click the core refuses.
    const answersPreview = verb === 'cancel' || verb === 'deny' || rest.includes('--yes');
    if (verb === 'trigger')
      return planOf('channel', async (progress) => {
        // Like the core's after-tasks: edits arrive once the first reply is out.
        setTimeout(async () => {
          await progress?.({ title: `Run of ${rest[0]}`, text: 'running' });
          await progress?.({ title: `Run of ${rest[0]}`, tone: 'success', text: 'success' });
        }, 30);
        return {
          title: `Triggered ${rest[0]}`,
          tone: 'success',
          fields: [{ label: 'Run', value: 'manual__1' }],
          actions: [{ kind: 'command', label: 'Status', command: asLine(`run ${rest[0]} manual__1`) }],
        };
      });
    if (verb === 'retry' && !answersPreview)
      return planOf('channel', async () => ({
        title: `Retry ${rest[0]}?`,
        actions: [
          { kind: 'command', label: 'Confirm', command: asLine(`retry ${rest[0]} --yes`), style: 'danger' },
          { kind: 'command', label: 'Cancel', command: asLine('cancel retry') },
          { kind: 'command', label: 'Deny', command: asLine('deny retry') },
        ],
      }));
    if (verb === 'retry')
      return planOf('channel', async () => ({ title: `Retried ${rest[0]}`, tone: 'success' }), { answersPreview });
    if (verb === 'promote' && !answersPreview)
      return planOf('ephemeral', async () => ({
        title: `Promote ${rest[0]}?`,
        actions: [
          { kind: 'command', label: 'Confirm', command: asLine(`promote ${rest[0]} --yes`) },
          { kind: 'command', label: 'Cancel', command: asLine('cancel promote') },
        ],
      }));
    if (verb === 'cancel') return planOf('ephemeral', async () => ({ text: 'Cancelled.' }), { answersPreview });
    if (verb === 'deny')
      return planOf('ephemeral', async () => ({ tone: 'warning', text: 'Not yours.' }), {
        answersPreview,
        refused: true,
      });
    return planOf('ephemeral', async () => ({ title: 'Echo', text: line }) satisfies Message);
  }
}

interface HttpBot {
  stand: FakeSlack;
  server: HttpServer;
  adapter: SlackAdapter;
  driver: SlackDriver;
  baseUrl: string;
}

/** The adapter in HTTP mode on a shared server, against a fresh stand-in, serving `core`. */
async function startHttpBot(core: BotCore): Promise<HttpBot> {
  const stand = new FakeSlack();
  await stand.start();
  const log = quietLog();
  const server = createHttpServer({ port: 0, host: '127.0.0.1', log });
  const adapter = createSlackAdapter({
    config: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: stand.apiUrl, port: 0, host: '127.0.0.1' },
    log,
    server,
  });
  server.registerHealth('adapters', 'slack', () => adapter.health());
  await adapter.start(core);
  const { url } = await server.start();
  const driver = new SlackDriver({ stand, mode: 'http', eventsUrl: `${url}/slack/events`, signingSecret: SECRET });
  return { stand, server, adapter, driver, baseUrl: url };
}

async function stopHttpBot(bot: HttpBot): Promise<void> {
  await bot.adapter.stop();
  await bot.server.stop();
  await bot.stand.stop();
}

describe('the Slack adapter in HTTP mode', () => {
  let bot: HttpBot;
  let stand: FakeSlack;
  let core: FakeCore;
  let adapter: SlackAdapter;
  let driver: SlackDriver;
  let baseUrl: string;

  beforeEach(async () => {
    core = new FakeCore();
    bot = await startHttpBot(core);
    ({ stand, adapter, driver, baseUrl } = bot);
  });

  afterEach(() => stopHttpBot(bot));

  it('acks a slash command and answers through response_url as the typing user, with Slack text decoded', async () => {
    await driver.invoke('echo a&amp;b &lt;x&gt; <#C0OTHER|other>');

    const reply = await driver.nextReply();
    expect(reply).toMatchObject({ title: 'Echo', text: 'echo a&amp;b &lt;x&gt; C0OTHER', ephemeral: true });
    expect(core.planned[0]).toMatchObject({
      via: 'slash',
      actor: { platform: 'slack', userId: 'U0OPERATOR' },
      origin: { platform: 'slack', channelId: 'C0OPS' },
      input: { kind: 'line', line: 'echo a&b <x> C0OTHER' },
    });
  });

  it('posts a channel reply with chat.postMessage and edits that same message on each progress step', async () => {
    await driver.invoke('trigger chatops_smoke');

    const first = await driver.nextReply();
    const running = await driver.nextReply();
    const done = await driver.nextReply();
    expect(first).toMatchObject({ title: 'Triggered chatops_smoke', buttons: ['Status'], ephemeral: false });
    expect([running.text, done.text]).toEqual(['running', 'success']);
    const posted = stand.calls.filter((c) => c.method === 'chat.postMessage');
    const edits = stand.calls.filter((c) => c.method === 'chat.update');
    expect(posted).toHaveLength(1);
    expect(edits.map((e) => e.body.ts)).toEqual([posted[0]?.id, posted[0]?.id]);
  });

  it('acknowledges a click on a link button and runs nothing', async () => {
    const payload = {
      type: 'block_actions',
      user: { id: 'U0CLICKER', username: 'clicker', team_id: 'T0001' },
      team: { id: 'T0001', domain: 'acme' },
      channel: { id: 'C0OPS', name: 'ops' },
      trigger_id: '1.2.3',
      api_app_id: 'A0APP',
      response_url: stand.responseUrl(),
      container: { type: 'message', message_ts: '1.000001', channel_id: 'C0OPS', is_ephemeral: false },
      actions: [
        { type: 'button', action_id: 'link:0', block_id: 'b1', url: 'http://127.0.0.1:8082/dags/x', action_ts: '1' },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const res = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSign(SECRET, body) },
      body,
    });
    expect(res.status).toBe(200);
    expect(core.planned).toEqual([]);
  });

  it('runs the command line of a clicked button as the person who clicked it', async () => {
    await driver.invoke('trigger chatops_smoke');
    await driver.nextReply();
    await driver.nextReply(); // the trigger's progress edits
    await driver.nextReply();

    await driver.click('Status', { user: 'U0CLICKER' });

    expect(await driver.nextReply()).toMatchObject({ title: 'Echo', text: 'run chatops_smoke manual__1' });
    expect(core.planned[1]).toMatchObject({ via: 'button', actor: { userId: 'U0CLICKER' } });
  });

  it('replaces the preview in place when Confirm is clicked, running the line with --yes', async () => {
    await driver.invoke('retry train_model');
    await driver.nextReply();
    const previewTs = stand.calls.find((c) => c.method === 'chat.postMessage')?.id;

    await driver.click('Confirm');

    const result = await driver.nextReply();
    expect(result.title).toBe('Retried train_model');
    expect(core.planned[1]?.input).toEqual({ kind: 'line', line: 'retry train_model --yes' });
    expect(stand.calls.filter((c) => c.method === 'chat.update').map((c) => c.body.ts)).toEqual([previewTs]);
  });

  it('edits the preview to "cancelled" when Cancel is clicked, and nothing is retried', async () => {
    await driver.invoke('retry train_model');
    await driver.nextReply();

    await driver.click('Cancel');

    expect((await driver.nextReply()).text).toBe('Cancelled.');
    expect(core.planned.map((i) => (i.input.kind === 'line' ? i.input.line : ''))).toEqual([
      'retry train_model',
      'cancel retry',
    ]);
    expect(stand.calls.filter((c) => c.method === 'chat.update')).toHaveLength(1);
  });

  it('replaces an ephemeral preview through response_url when Cancel is clicked', async () => {
    await driver.invoke('promote churn');
    const preview = await driver.nextReply();
    expect(preview).toMatchObject({ title: 'Promote churn?', ephemeral: true });

    await driver.click('Cancel');

    await driver.nextReply();
    const answer = stand.calls.filter((c) => c.method === 'response').at(-1);
    expect(answer?.body).toMatchObject({ replace_original: true, response_type: 'ephemeral', text: 'Cancelled.' });
    expect(stand.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('answers in the channel through response_url when the bot is not a member, and edits that reply', async () => {
    stand.refuseNext('chat.postMessage', 'not_in_channel', 'C0OPS');

    await driver.invoke('trigger chatops_smoke');

    const first = await driver.nextReply();
    await driver.nextReply();
    await driver.nextReply();
    expect(first).toMatchObject({ title: 'Triggered chatops_smoke', ephemeral: false });
    const answers = stand.calls.filter((c) => c.method === 'response').map((c) => c.body);
    expect(answers.map((b) => [b.response_type, b.replace_original])).toEqual([
      ['in_channel', false],
      ['in_channel', true],
      ['in_channel', true],
    ]);
  });

  it('answers 503 on /slack/events until the adapter has started', async () => {
    const log = quietLog();
    const early = createHttpServer({ port: 0, host: '127.0.0.1', log });
    createSlackAdapter({
      config: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: stand.apiUrl, port: 0, host: '127.0.0.1' },
      log,
      server: early,
    });
    const { url } = await early.start();

    const res = await fetch(`${url}/slack/events`, { method: 'POST', body: 'x' });

    expect(res.status).toBe(503);
    await early.stop();
  });

  it.each([['forged'], ['missing'], ['stale']] as const)(
    'answers 401 to a %s signature and runs nothing',
    async (sig) => {
      const status = await driver.slash('trigger chatops_smoke', {}, sig);

      expect(status).toBe(401);
      await new Promise((r) => setTimeout(r, 50));
      expect(core.planned).toEqual([]);
      expect(stand.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    },
  );

  it('answers a mention in the thread of the mentioning message, without the mention', async () => {
    await driver.mention('echo hello');

    const post = await stand.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(core.planned[0]).toMatchObject({ via: 'mention', input: { line: 'echo hello' } });
    expect(post.body).toMatchObject({ channel: 'C0OPS', user: 'U0OPERATOR' });
    expect(post.body.thread_ts).toBe(core.planned[0]?.origin.threadId);
  });

  it('acks a redelivery of an event it already handled and answers it once', async () => {
    await driver.mention('echo once', {}, { eventId: 'Ev0SAME' });
    await stand.waitFor((c) => c.method === 'chat.postEphemeral');

    await driver.mention('echo once', {}, { eventId: 'Ev0SAME', retry: 1 });
    await driver.mention('echo once', {}, { eventId: 'Ev0SAME', retry: 2 });

    await new Promise((r) => setTimeout(r, 100));
    expect(core.planned.filter((i) => i.via === 'mention')).toHaveLength(1);
    expect(stand.calls.filter((c) => c.method === 'chat.postEphemeral')).toHaveLength(1);
  });

  it('answers a redelivery of an event it never saw, as when the first delivery failed', async () => {
    await driver.mention('echo late', {}, { eventId: 'Ev0FIRSTLOST', retry: 1 });

    await stand.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(core.planned).toMatchObject([{ via: 'mention', input: { line: 'echo late' } }]);
  });

  it('sends a refused Confirm to the clicker alone and leaves the preview as it was', async () => {
    await driver.invoke('retry train_model');
    await driver.nextReply();

    await driver.click('Deny', { user: 'U0CLICKER' });

    const denied = await driver.nextReply();
    expect(denied).toMatchObject({ text: 'Not yours.', ephemeral: true });
    expect(stand.calls.filter((c) => c.method === 'response').at(-1)?.body).toMatchObject({
      replace_original: false,
      response_type: 'ephemeral',
    });
    expect(stand.calls.filter((c) => c.method === 'chat.update')).toEqual([]);
  });

  it('waits out a 429 and delivers the post exactly once', async () => {
    stand.rateLimitNext(1, 1);

    const ref = await adapter.post({ platform: 'slack', channelId: 'C0ALERTS' }, { text: 'hello' });

    const posts = stand.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(ref).toEqual({ platform: 'slack', channelId: 'C0ALERTS', messageId: posts[1]?.id });
  });

  it("throws UPSTREAM_REJECTED with Slack's error when a post breaks a Block Kit limit", async () => {
    const tooLong = { text: 'x', fields: [] };
    const adapterWithRawRender = createSlackAdapter({
      config: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: stand.apiUrl, port: 0, host: '127.0.0.1' },
      log: quietLog(),
      server: createHttpServer({ port: 0, host: '127.0.0.1', log: quietLog() }),
      render: () => ({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })) }),
    });

    const err = await adapterWithRawRender
      .post({ platform: 'slack', channelId: 'C0OPS' }, tooLong)
      .catch((e: unknown) => e);

    expect(isBotError(err) && [err.code, err.message]).toEqual([
      'UPSTREAM_REJECTED',
      'Slack refused chat.postMessage: invalid_blocks',
    ]);
  });

  it('serves GET /healthz on the same server with the adapter state', async () => {
    const res = await fetch(`${baseUrl}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, adapters: { slack: { ok: true } }, upstream: {} });
    expect(adapter.health()).toEqual({ ok: true, mode: 'http', state: 'started' });
  });
});

describe('the Slack adapter on the real core: a preview belongs to whoever asked', () => {
  let bot: HttpBot;
  let stand: FakeSlack;
  let t: TestCore;
  let driver: SlackDriver;

  beforeEach(async () => {
    t = createTestCore({ operators: ['slack:U0OPERATOR', 'slack:U0OTHER'], admins: ['slack:U0ADMIN'] });
    t.airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    t.airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    bot = await startHttpBot(t.core);
    ({ stand, driver } = bot);
  });

  afterEach(() => stopHttpBot(bot));

  async function channelPreview(): Promise<string> {
    await driver.invoke('retry train_model r1');
    const preview = await driver.nextReply();
    expect(preview).toMatchObject({ title: 'Clear 1 task of train_model?', buttons: ['Confirm', 'Cancel'] });
    return String(stand.calls.find((c) => c.method === 'chat.postMessage')?.id);
  }

  it("answers another operator's Confirm with an ephemeral refusal and never edits the preview", async () => {
    await channelPreview();

    await driver.click('Confirm', { user: 'U0OTHER' });

    const denied = await driver.nextReply();
    expect(denied.ephemeral).toBe(true);
    expect(denied.text).toContain('Only `slack:U0OPERATOR`, who asked for it, or an admin can confirm');
    expect(stand.calls.filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(t.airflow.cleared).toEqual([]);
  });

  it("answers another operator's Cancel the same way, and the owner's Cancel replaces the preview", async () => {
    const previewTs = await channelPreview();

    await driver.click('Cancel', { user: 'U0OTHER' });
    const refused = await driver.nextReply();
    await driver.click('Cancel');
    const cancelled = await driver.nextReply();

    expect(refused).toMatchObject({ ephemeral: true });
    expect(refused.text).toContain('can cancel this `retry`');
    expect(cancelled).toMatchObject({ text: 'Cancelled `retry`. Nothing changed.', buttons: [] });
    expect(stand.calls.filter((c) => c.method === 'chat.update').map((c) => c.body.ts)).toEqual([previewTs]);
  });

  it('lets an admin confirm, replacing the preview with the result', async () => {
    const previewTs = await channelPreview();

    await driver.click('Confirm', { user: 'U0ADMIN' });

    expect(await driver.nextReply()).toMatchObject({ title: 'Cleared 1 task of train_model', buttons: ['Status'] });
    expect(stand.calls.filter((c) => c.method === 'chat.update').map((c) => c.body.ts)).toEqual([previewTs]);
    expect(t.airflow.cleared).toHaveLength(1);
  });

  it('edits an expired preview to say so, without its buttons, and clears nothing', async () => {
    const previewTs = await channelPreview();
    await t.clock.sleep(15 * 60_000);

    await driver.click('Confirm');

    const expired = await driver.nextReply();
    expect(expired.text).toMatch(/^This `retry` preview has expired/);
    expect(expired.buttons).toEqual([]);
    expect(stand.calls.filter((c) => c.method === 'chat.update').map((c) => c.body.ts)).toEqual([previewTs]);
    expect(t.airflow.cleared).toEqual([]);
  });
});

describe('the Slack adapter in Socket Mode', () => {
  let stand: FakeSlack;
  let adapter: SlackAdapter;

  beforeEach(async () => {
    stand = new FakeSlack();
    await stand.start();
    adapter = createSlackAdapter({
      config: { botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: stand.apiUrl, port: 0, host: '127.0.0.1' },
      log: quietLog(),
      clientPingTimeout: 600,
    });
  });

  afterEach(async () => {
    // The adapter first: stopping the stand-in under a live socket holds the process for 30 s (chat-standins §3).
    await adapter.stop();
    await stand.stop();
  });

  it('runs a slash command from a websocket envelope, and again after a disconnect frame', async () => {
    const core = new FakeCore();
    await adapter.start(core);
    const driver = new SlackDriver({ stand, mode: 'socket' });

    await driver.invoke('trigger chatops_smoke');
    expect(await driver.nextReply()).toMatchObject({ title: 'Triggered chatops_smoke' });

    stand.disconnect();
    await waitUntil(() => stand.connectionsOpened >= 2 && stand.sockets.size === 1 && adapter.health().ok);
    await driver.invoke('echo after reconnect');

    const replies = [await driver.nextReply(), await driver.nextReply(), await driver.nextReply()];
    expect(replies.map((r) => r.title)).toContain('Echo');
    expect(core.planned.map((i) => i.via)).toEqual(['slash', 'slash']);
    expect(adapter.health()).toEqual({ ok: true, mode: 'socket', state: 'started', connected: true });
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
