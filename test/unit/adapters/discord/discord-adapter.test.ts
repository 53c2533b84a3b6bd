// The real discord.js client against the local Discord stand-in, with a scripted core: the adapter's own behaviour.
import { afterEach, describe, expect, it } from 'vitest';
import type { AutocompleteQuery } from '../../../../src/adapters/discord/autocomplete-cache.js';
import { createDiscordAdapter } from '../../../../src/adapters/discord/discord-adapter.js';
import type { Message } from '../../../../src/bot/message.js';
import type { BotCore, ChatAdapter } from '../../../../src/bot/types.js';
import { fakeRun, fakeTask } from '../../../fakes/fake-airflow.js';
import { createTestCore } from '../../../fakes/test-core.js';
import { asLine } from '../../../fixtures/messages.js';
import { FakeDiscord, type FakeMessage, snowflake } from '../../../standins/fake-discord.js';
import { DiscordDriver, discordSeen } from '../../../support/discord-driver.js';
import { capturedLogger, MemoryActionRefs, type Script, ScriptedCore } from '../../../support/discord-fakes.js';

const sub = (name: string, options: object[] = []) => ({ type: 1, name, description: `${name} verb`, options });
const str = (name: string, required = false, autocomplete = false) => ({
  type: 3,
  name,
  description: `${name} option`,
  required,
  ...(autocomplete ? { autocomplete } : {}),
});
const COMMAND = {
  name: 'mlops',
  description: 'MLOps chat-ops',
  type: 1,
  options: [
    sub('status'),
    sub('trigger', [str('dag', true, true), str('conf')]),
    sub('retry', [str('dag', true, true), str('run_id', true, true)]),
    sub('runs', [str('dag', true, true), { type: 4, name: 'limit', description: 'how many', required: false }]),
  ],
};

interface Harness {
  fake: FakeDiscord;
  adapter: ChatAdapter;
  driver: DiscordDriver;
  core: ScriptedCore;
  refs: MemoryActionRefs;
  lines: string[];
}

const open: { fake?: FakeDiscord; adapters: ChatAdapter[] } = { adapters: [] };

async function startBot(
  scripts: Record<string, Script>,
  opts: {
    fake?: FakeDiscord;
    guild?: boolean;
    command?: object;
    autocomplete?: (q: AutocompleteQuery) => Promise<string[]>;
    /** The real core instead of the scripted one. */
    core?: BotCore;
  } = {},
): Promise<Harness> {
  const fake = opts.fake ?? (await FakeDiscord.start());
  open.fake = fake;
  const core = new ScriptedCore(scripts);
  const refs = new MemoryActionRefs();
  const { log, lines } = capturedLogger();
  const adapter = createDiscordAdapter({
    config: {
      token: fake.token,
      applicationId: fake.applicationId,
      guildId: opts.guild === false ? undefined : fake.guildId,
      apiUrl: fake.apiUrl,
    },
    commandJson: () => opts.command ?? COMMAND,
    store: refs,
    autocomplete: opts.autocomplete,
    log,
    restOptions: { retries: 0, timeout: 5_000, globalRequestsPerSecond: 10_000 },
    waitGuildTimeout: 500,
    autocompleteTimeoutMs: 300,
  });
  open.adapters.push(adapter);
  await adapter.start(opts.core ?? core);
  return { fake, adapter, driver: new DiscordDriver(fake), core, refs, lines };
}

afterEach(async () => {
  for (const a of open.adapters.splice(0)) await a.stop();
  await open.fake?.close();
  open.fake = undefined;
});

const said = (text: string, extra: Partial<Message> = {}): Script => ({ run: async () => ({ text, ...extra }) });

describe('Discord adapter: registration', () => {
  it('registers /mlops as guild commands on first start and leaves them alone on a restart with the same JSON', async () => {
    const { fake, adapter } = await startBot({});
    expect(fake.commands.get(fake.guildId)?.[0]).toMatchObject({ name: 'mlops', options: COMMAND.options });
    await adapter.stop();

    await startBot({}, { fake });

    const puts = fake.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/commands'));
    expect(puts).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/commands'))).toHaveLength(2);
  });

  it('registers again when a verb was added', async () => {
    const { fake, adapter } = await startBot({});
    await adapter.stop();
    const changed = { ...COMMAND, options: [...COMMAND.options, sub('models')] };

    await startBot({}, { fake, command: changed });

    expect(fake.calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
    expect(fake.commands.get(fake.guildId)?.[0]?.options).toHaveLength(5);
  });

  it('registers global commands when no DISCORD_GUILD_ID is set', async () => {
    const { fake } = await startBot({}, { guild: false });
    expect(
      fake.calls.some((c) => c.method === 'PUT' && c.path === `/applications/${fake.applicationId}/commands`),
    ).toBe(true);
    expect(fake.commands.get('global')?.[0]?.name).toBe('mlops');
  });

  it('connects with the Guilds intent only and never logs the token', async () => {
    const { fake, lines } = await startBot({});
    expect(fake.identifies).toBe(1);
    expect(lines.join('\n')).not.toContain(fake.token);
  });
});

describe('Discord adapter: slash commands', () => {
  it('defers an ephemeral verb with flag 64, then edits the reply with the rendered message', async () => {
    const { fake, driver, core } = await startBot({
      status: said('All services up', { title: 'Status', tone: 'success' }),
    });

    await driver.invoke('status');
    const reply = await driver.nextReply();

    expect(reply).toMatchObject({ title: 'Status', text: 'All services up', tone: 'success', ephemeral: true });
    const interaction = driver.interactions[0] as string;
    expect(fake.callbacksOf(interaction)).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(fake.calls.some((c) => c.method === 'PATCH' && c.path.endsWith('/messages/@original'))).toBe(true);
    expect(core.invocations[0]).toMatchObject({
      via: 'slash',
      origin: { platform: 'discord', channelId: fake.channelId },
      actor: { platform: 'discord', userId: fake.defaultUserId, roleIds: [] },
      input: { kind: 'structured', verb: 'status', options: {} },
    });
  });

  it('passes typed options and the member role ids to the core', async () => {
    const { fake, driver, core } = await startBot({ runs: said('3 runs') });
    const role = fake.roleIds[0] as string;
    const unknownRole = '112233445566778899';

    await driver.invoke('runs train_model --limit 3', { user: '123456789012345678', roles: [role, unknownRole] });
    await driver.nextReply();

    expect(core.invocations[0]).toMatchObject({
      actor: { userId: '123456789012345678', roleIds: [role, unknownRole] },
      input: { kind: 'structured', verb: 'runs', options: { dag: 'train_model', limit: 3 } },
    });
  });

  it('answers a public verb in the channel and edits the same reply as progress arrives, result last', async () => {
    let progressDone: Promise<void> = Promise.resolve();
    const trigger: Script = {
      reply: 'channel',
      run: async (_inv, progress) => {
        // As the core does: the run id at once, then queued -> running -> success after the reply.
        progressDone = (async () => {
          await new Promise((ok) => setTimeout(ok, 20));
          await progress?.({ title: 'Triggered train_model', text: 'queued' });
          await progress?.({ title: 'Triggered train_model', text: 'running' });
          await progress?.({ title: 'Triggered train_model', text: 'success', tone: 'success' });
        })();
        return { title: 'Triggered train_model', text: 'created' };
      },
    };
    const { fake, driver } = await startBot({ trigger });

    await driver.invoke('trigger train_model');
    const texts = [];
    for (let k = 0; k < 4; k++) texts.push((await driver.nextReply()).text);
    await progressDone;

    expect(texts).toEqual(['created', 'queued', 'running', 'success']);
    expect(fake.callbacksOf(driver.interactions[0] as string)).toEqual([{ type: 5, data: { flags: 0 } }]);
    const edited = new Set(fake.events.filter((e) => e.via === 'webhook').map((e) => e.message.id));
    expect(edited.size).toBe(1);
  });

  it('answers a verb slower than Discord allows for the first response, because it defers first', async () => {
    const slow: Script = { run: () => new Promise((ok) => setTimeout(() => ok({ text: 'done after 3.2 s' }), 3_200)) };
    const { fake, driver } = await startBot({ status: slow });

    await driver.invoke('status');

    expect((await driver.nextReply(6_000)).text).toBe('done after 3.2 s');
    expect(fake.calls.filter((c) => c.path.includes('/callback')).map((c) => c.status)).toEqual([204]);
  });

  it('answers with a reference when the core breaks its promise never to throw', async () => {
    const { driver, lines } = await startBot({
      status: {
        run: async () => {
          throw new Error('core bug');
        },
      },
    });

    await driver.invoke('status');
    const reply = await driver.nextReply();

    const id = driver.interactions[0] as string;
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain(`Something went wrong. Reference \`${id}\``);
    expect(lines.some((l) => l.includes('plan.run threw') && l.includes(id))).toBe(true);
  });
});

describe('Discord adapter: buttons', () => {
  it('carries short command lines in the custom_id and runs a click as the clicker', async () => {
    const runLine = 'run train_model manual__2026-11-26T09:00:00+00:00';
    const { fake, driver, core } = await startBot({
      trigger: said('created', { actions: [{ kind: 'command', label: 'Status', command: asLine(runLine) }] }),
      run: said('task states'),
    });
    await driver.invoke('trigger train_model');
    const first = await driver.nextReply();
    expect(first.buttons).toEqual(['Status']);

    await driver.click('Status', { user: '223456789012345678', roles: [fake.roleIds[1] as string] });
    const second = await driver.nextReply();

    expect(second.text).toBe('task states');
    const button = (first.raw as { components: { components: { custom_id: string }[] }[] }).components[0]
      ?.components[0];
    expect(button?.custom_id).toBe(`cmd:${runLine}`);
    expect(core.invocations[1]).toMatchObject({
      via: 'button',
      input: { kind: 'line', line: runLine },
      actor: { userId: '223456789012345678', roleIds: [fake.roleIds[1]] },
    });
  });

  it('stores lines over 100 characters by reference and resolves them on click', async () => {
    const long = `logs train_model ${'x'.repeat(120)} train --lines 80`;
    const { driver, core, refs } = await startBot({
      trigger: said('created', { actions: [{ kind: 'command', label: 'Logs', command: asLine(long) }] }),
      logs: said('log tail'),
    });
    await driver.invoke('trigger train_model');
    const first = await driver.nextReply();
    const button = (first.raw as { components: { components: { custom_id: string }[] }[] }).components[0]
      ?.components[0];

    await driver.click('Logs');
    await driver.nextReply();

    expect(button?.custom_id).toBe('ref:1');
    expect(refs.saved.get('1')).toBe(long);
    expect(core.invocations[1]?.input).toEqual({ kind: 'line', line: long });
  });

  it('answers an unknown reference privately and runs nothing', async () => {
    const { fake, driver, core } = await startBot({ status: said('ok') });
    await driver.invoke('status');
    const reply = await driver.nextReply();
    const messageId = (reply.raw as { id: string }).id;

    const click = fake.button(messageId, 'ref:999');
    driver.interactions.push(click);
    const expired = await driver.nextReply();

    expect(expired).toMatchObject({ text: 'This button has expired. Run the command again.', ephemeral: true });
    expect(fake.callbacksOf(click)[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(core.invocations).toHaveLength(1);
  });

  it('replaces the preview with the result on Confirm and with "cancelled" on Cancel', async () => {
    const preview = (dag: string): Message => ({
      title: `Retry ${dag}?`,
      text: '2 tasks will be cleared',
      actions: [
        { kind: 'command', label: 'Confirm', command: asLine(`confirm ${dag}`), style: 'danger' },
        { kind: 'command', label: 'Cancel', command: asLine(`cancel ${dag}`) },
      ],
    });
    const { fake, driver } = await startBot({
      retry: { run: async (inv) => preview(inv.input.kind === 'structured' ? String(inv.input.options.dag) : 'x') },
      confirm: { answersPreview: true, run: async () => ({ text: 'Cleared 2 tasks', tone: 'success' }) },
      cancel: { answersPreview: true, run: async () => ({ text: 'cancelled' }) },
    });
    await driver.invoke('retry a_dag r1');
    const a = await driver.nextReply();
    await driver.click('Confirm');
    const confirmed = await driver.nextReply();
    await driver.invoke('retry b_dag r1');
    const b = await driver.nextReply();
    await driver.click('Cancel');
    const cancelled = await driver.nextReply();

    expect(confirmed).toMatchObject({ text: 'Cleared 2 tasks', buttons: [] });
    expect((confirmed.raw as { id: string }).id).toBe((a.raw as { id: string }).id);
    expect(cancelled).toMatchObject({ text: 'cancelled', buttons: [] });
    expect((cancelled.raw as { id: string }).id).toBe((b.raw as { id: string }).id);
    expect(fake.callbacksOf(driver.interactions[1] as string)).toEqual([{ type: 6 }]);
  });

  it('shows a refused confirmation to the clicker alone, as a follow-up, and leaves the preview as it was', async () => {
    const { fake, driver } = await startBot({
      retry: {
        run: async () => ({
          text: 'preview',
          actions: [{ kind: 'command', label: 'Confirm', command: asLine('confirm p1') }],
        }),
      },
      confirm: {
        answersPreview: true,
        refused: true,
        run: async () => ({ tone: 'warning', text: 'Only the person who asked can confirm this.' }),
      },
    });
    await driver.invoke('retry d r1');
    const previewReply = await driver.nextReply();
    const previewId = (previewReply.raw as { id: string }).id;

    await driver.click('Confirm', { user: '323456789012345678' });
    const denied = await driver.nextReply();

    expect(denied).toMatchObject({ text: 'Only the person who asked can confirm this.', ephemeral: true });
    expect((denied.raw as { id: string }).id).not.toBe(previewId);
    expect(fake.callbacksOf(driver.interactions[1] as string)).toEqual([{ type: 6 }]);
    expect(fake.events.filter((e) => e.kind === 'edit' && e.message.id === previewId)).toHaveLength(1);
    expect(discordSeen(fake.message(previewId) as FakeMessage)).toMatchObject({
      text: 'preview',
      buttons: ['Confirm'],
    });
  });
});

describe('Discord adapter on the real core: a preview belongs to whoever asked', () => {
  const other = snowflake();
  const admin = snowflake();

  async function preview() {
    const fake = await FakeDiscord.start();
    const t = createTestCore({
      operators: [`discord:${fake.defaultUserId}`, `discord:${other}`],
      admins: [`discord:${admin}`],
    });
    t.airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    t.airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    const { driver } = await startBot({}, { fake, core: t.core });
    await driver.invoke('retry train_model r1');
    const shown = await driver.nextReply();
    expect(shown).toMatchObject({ title: 'Clear 1 task of train_model?', buttons: ['Confirm', 'Cancel'] });
    return { fake, t, driver, previewId: (shown.raw as { id: string }).id };
  }

  it("answers another operator's Confirm with an ephemeral follow-up and leaves the preview unchanged", async () => {
    const { fake, t, driver, previewId } = await preview();

    await driver.click('Confirm', { user: other });
    const denied = await driver.nextReply();

    expect(denied.ephemeral).toBe(true);
    expect(denied.text).toContain(`Only \`discord:${fake.defaultUserId}\`, who asked for it, or an admin can confirm`);
    expect(fake.callbacksOf(driver.interactions[1] as string)).toEqual([{ type: 6 }]);
    expect(discordSeen(fake.message(previewId) as FakeMessage)).toMatchObject({
      title: 'Clear 1 task of train_model?',
      buttons: ['Confirm', 'Cancel'],
    });
    expect(t.airflow.cleared).toEqual([]);
  });

  it('lets an admin cancel the preview, which then says so in place', async () => {
    const { fake, driver, previewId } = await preview();

    await driver.click('Cancel', { user: admin });
    const cancelled = await driver.nextReply();

    expect((cancelled.raw as { id: string }).id).toBe(previewId);
    expect(cancelled).toMatchObject({
      text: `Cancelled \`retry\` by admin \`discord:${admin}\`. Nothing changed.`,
      buttons: [],
    });
    expect(discordSeen(fake.message(previewId) as FakeMessage).buttons).toEqual([]);
  });

  it('edits an expired preview to say so, without its buttons, and clears nothing', async () => {
    const { t, driver, previewId } = await preview();
    await t.clock.sleep(15 * 60_000);

    await driver.click('Confirm');
    const expired = await driver.nextReply();

    expect((expired.raw as { id: string }).id).toBe(previewId);
    expect(expired.text).toMatch(/^This `retry` preview has expired/);
    expect(expired.buttons).toEqual([]);
    expect(t.airflow.cleared).toEqual([]);
  });
});

describe('Discord adapter: only in DISCORD_GUILD_ID when it is set', () => {
  const refusal = {
    type: 4,
    data: { content: 'This bot answers only in its own server. Nothing was run.', flags: 64 },
  };

  it.each([
    ['a DM', null],
    ['another server', snowflake()],
  ])('refuses a command from %s with an ephemeral answer and runs nothing', async (_where, guildId) => {
    const { fake, core } = await startBot({ status: said('ok') });

    const id = fake.chatInput('status', {}, { guildId });
    const answer = await fake.waitFor(() => fake.callbacksOf(id)[0], 3_000, 'a refusal');

    expect(answer).toMatchObject(refusal);
    expect(core.invocations).toEqual([]);
  });

  it('refuses a click from another server and an autocomplete from a DM', async () => {
    const { fake, driver, core } = await startBot({
      status: said('ok', { actions: [{ kind: 'command', label: 'Again', command: asLine('status') }] }),
    });
    await driver.invoke('status');
    const reply = await driver.nextReply();

    const click = fake.button((reply.raw as { id: string }).id, 'cmd:status', { guildId: snowflake() });
    const typing = fake.autocomplete('trigger', 'dag', 'tr', {}, { guildId: null });
    const [clicked, typed] = await Promise.all(
      [click, typing].map((id) => fake.waitFor(() => fake.callbacksOf(id)[0], 3_000, 'an answer')),
    );

    expect(clicked).toMatchObject(refusal);
    expect(typed).toEqual({ type: 8, data: { choices: [] } });
    expect(core.invocations).toHaveLength(1);
  });

  it('answers DMs too when no DISCORD_GUILD_ID is set', async () => {
    const { fake, core } = await startBot({ status: said('ok') }, { guild: false });

    const id = fake.chatInput('status', {}, { guildId: null });
    await fake.waitFor(() => fake.callbacksOf(id)[0], 3_000, 'a deferral');

    expect(fake.callbacksOf(id)).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(core.invocations).toHaveLength(1);
  });
});

describe('Discord adapter: autocomplete', () => {
  it('answers with live values matching what was typed and caches the lookup', async () => {
    const asked: AutocompleteQuery[] = [];
    const { fake } = await startBot(
      {},
      {
        autocomplete: async (q) => {
          asked.push(q);
          return ['train_model', 'chatops_smoke', 'train_big'].filter((d) => d.includes(q.partial));
        },
      },
    );

    const first = fake.autocomplete('trigger', 'dag', 'train');
    const again = fake.autocomplete('trigger', 'dag', 'train');
    const [a, b] = await Promise.all(
      [first, again].map((id) => fake.waitFor(() => fake.callbacksOf(id)[0], 3_000, 'an autocomplete answer')),
    );

    const choices = [
      { name: 'train_model', value: 'train_model' },
      { name: 'train_big', value: 'train_big' },
    ];
    expect(a).toEqual({ type: 8, data: { choices } });
    expect(b).toEqual({ type: 8, data: { choices } });
    expect(asked).toEqual([{ verb: 'trigger', option: 'dag', partial: 'train', options: {} }]);
  });

  it('passes the options already filled in, so run ids come from the chosen DAG', async () => {
    const asked: AutocompleteQuery[] = [];
    const autocomplete = async (q: AutocompleteQuery) => {
      asked.push(q);
      return ['manual__1'];
    };
    const { fake } = await startBot({}, { autocomplete });

    const id = fake.autocomplete('retry', 'run_id', '', { dag: 'train_model' });
    await fake.waitFor(() => fake.callbacksOf(id)[0], 3_000);

    expect(asked[0]).toEqual({ verb: 'retry', option: 'run_id', partial: '', options: { dag: 'train_model' } });
  });

  it('answers no choices in time when the upstream is slow, rather than miss the 3 s deadline', async () => {
    const { fake } = await startBot({}, { autocomplete: () => new Promise(() => {}) });

    const id = fake.autocomplete('trigger', 'dag', 'tr');
    const answer = await fake.waitFor(() => fake.callbacksOf(id)[0], 3_000);

    expect(answer).toEqual({ type: 8, data: { choices: [] } });
  });
});

describe('Discord adapter: posts, rate limits and the gateway', () => {
  it('posts and edits channel messages through the REST routes', async () => {
    const { fake, adapter, driver } = await startBot({});

    const ref = await adapter.post(
      { platform: 'discord', channelId: fake.otherChannelId },
      { title: 'train_model failed', tone: 'error' },
    );
    await adapter.update(ref, { title: 'train_model recovered', tone: 'success' });

    expect(await driver.nextChannelPost(fake.otherChannelId)).toMatchObject({
      title: 'train_model failed',
      tone: 'error',
    });
    expect(await driver.nextEdit(fake.otherChannelId)).toMatchObject({ title: 'train_model recovered' });
    expect(ref).toEqual({ platform: 'discord', channelId: fake.otherChannelId, messageId: expect.any(String) });
    const post = fake.calls.find((c) => c.method === 'POST' && c.path.startsWith('/channels/'));
    expect(post?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it("posts a thread reply as a Discord reply to the card, in the card's channel", async () => {
    const { fake, adapter } = await startBot({});
    const card = await adapter.post(
      { platform: 'discord', channelId: fake.channelId },
      { title: 'train_model failed' },
    );

    const reply = await adapter.post(
      { platform: 'discord', channelId: fake.channelId, threadId: card.messageId },
      { text: 'recovered after 2 attempts' },
    );

    const sent = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${fake.channelId}/messages`);
    expect(sent[1]?.body).toMatchObject({
      message_reference: { message_id: card.messageId, fail_if_not_exists: false },
    });
    expect(reply.channelId).toBe(fake.channelId);
    expect(reply.messageId).not.toBe(card.messageId);
  });

  it('waits out a 429 and delivers the post exactly once', async () => {
    const { fake, adapter } = await startBot({});
    fake.rateLimitNext(/^\/channels\/\d+\/messages$/, 0.2);

    const started = Date.now();
    await adapter.post({ platform: 'discord', channelId: fake.channelId }, { text: 'hello' });

    const posts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${fake.channelId}/messages`);
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.events.filter((e) => e.via === 'channel')).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('resumes after the gateway drops the connection and still serves commands', async () => {
    const { fake, driver } = await startBot({ status: said('ok after resume') });

    fake.dropConnection(4000);
    await fake.waitFor(() => (fake.resumes > 0 ? true : undefined), 10_000, 'a RESUME');
    await driver.invoke('status');

    expect((await driver.nextReply()).text).toBe('ok after resume');
    expect(fake.identifies).toBe(1);
  });
});

describe('Discord adapter: health', () => {
  it('reports ready once started and not ok after stop', async () => {
    const fake = await FakeDiscord.start();
    open.fake = fake;
    const { log } = capturedLogger();
    const adapter = createDiscordAdapter({
      config: { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl },
      commandJson: () => COMMAND,
      store: new MemoryActionRefs(),
      log,
      waitGuildTimeout: 500,
    });
    expect(adapter.health().ok).toBe(false);

    await adapter.start(new ScriptedCore({}));
    const ready = adapter.health();
    await adapter.stop();

    expect(ready).toMatchObject({ ok: true, gateway: 'Ready' });
    expect(adapter.health().ok).toBe(false);
  });
});
