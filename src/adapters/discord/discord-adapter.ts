import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  type RESTOptions,
  Routes,
  Status,
} from 'discord.js';
import type { ActionRefs } from '../../bot/action-refs.js';
import type { Logger } from '../../bot/logger.js';
import type { Message } from '../../bot/message.js';
import type { BotCore, ChatAdapter, Destination, Invocation, Plan, PostedRef } from '../../bot/types.js';
import type { ComponentHealth } from '../../http/health.js';
import { type AutocompleteProvider, createAutocompleteCache } from './autocomplete-cache.js';
import { asCommandList, syncCommands } from './command-sync.js';
import { createCustomIds } from './custom-ids.js';
import { discordActor, rolesFromRawInteraction } from './discord-actor.js';
import { createDiscordRender, type DiscordPayload } from './discord-render.js';
import { structuredInput } from './interaction-input.js';
import { createReplyEditor } from './reply-editor.js';

/** The bot user's credentials and where its REST calls go (the config's Discord group). */
export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** Commands are registered in this guild only, and interactions from elsewhere are refused. */
  guildId?: string;
  apiUrl: string;
}

export interface DiscordAdapterDeps {
  config: DiscordConfig;
  /** The `/mlops` command JSON (registry.toDiscordCommand()), or a list of commands. */
  commandJson: () => unknown;
  store: ActionRefs;
  /** Live values for autocompleted options (dag, run_id, experiment, metric, model, service). */
  autocomplete?: AutocompleteProvider;
  log: Logger;
  /** Tests only: e.g. `{ globalRequestsPerSecond: 10_000, retries: 0 }` against the stand-in. */
  restOptions?: Partial<RESTOptions>;
  /** Tests only: how long ClientReady waits for GUILD_CREATE (default 15 s). */
  waitGuildTimeout?: number;
  /** Autocomplete answers with no choices rather than miss Discord's 3 s deadline. */
  autocompleteTimeoutMs?: number;
}

const EXPIRED = 'This button has expired. Run the command again.';
const FAILED = 'Something went wrong. Reference `';
const ELSEWHERE = 'This bot answers only in its own server. Nothing was run.';

export interface DiscordAdapter extends ChatAdapter {
  /** For /healthz: started, and the gateway connection ready (it is not while reconnecting). */
  health(): ComponentHealth;
}

export function createDiscordAdapter(deps: DiscordAdapterDeps): DiscordAdapter {
  const log = deps.log.child({ adapter: 'discord' });
  const { config } = deps;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.apiUrl, ...deps.restOptions },
    // Upstream text (DAG ids, run notes, log lines) must never ping anyone.
    allowedMentions: { parse: [] },
    ...(deps.waitGuildTimeout === undefined ? {} : { waitGuildTimeout: deps.waitGuildTimeout }),
  });
  client.rest.setToken(config.token);
  const customIds = createCustomIds({ store: deps.store });
  const render = createDiscordRender({ customIds });
  const choices = deps.autocomplete ? createAutocompleteCache({ provider: deps.autocomplete }) : undefined;
  const rawRoles = new Map<string, readonly string[]>();
  let core: BotCore | undefined;

  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: unknown) => {
    const r = rolesFromRawInteraction(data);
    if (r) rawRoles.set(r.id, r.roles);
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
  client.on(Events.ShardReconnecting, (shard) => log.warn({ shard }, 'discord gateway reconnecting'));
  client.on(Events.InteractionCreate, (i) => {
    const roles = rawRoles.get(i.id) ?? [];
    rawRoles.delete(i.id);
    void route(i, roles).catch((err: unknown) => log.error({ err, interaction: i.id }, 'discord interaction failed'));
  });

  async function route(i: Interaction, roles: readonly string[]): Promise<void> {
    if (!core) return;
    // With DISCORD_GUILD_ID set, DMs and other servers (a stale global command, say) get nothing but a refusal.
    if (config.guildId && i.guildId !== config.guildId) return refuseElsewhere(i);
    if (i.isChatInputCommand()) return onCommand(core, i, roles);
    if (i.isButton()) return onButton(core, i, roles);
    if (i.isAutocomplete()) return onAutocomplete(i);
  }

  async function refuseElsewhere(i: Interaction): Promise<void> {
    log.warn({ interaction: i.id, guild: i.guildId ?? 'dm', user: i.user.id }, 'discord interaction outside the guild');
    if (i.isAutocomplete()) return i.respond([]);
    if (i.isRepliable()) await i.reply({ content: ELSEWHERE, flags: MessageFlags.Ephemeral });
  }

  function invocation(i: Interaction, roles: readonly string[], input: Invocation['input']): Invocation {
    return {
      id: i.id,
      actor: discordActor(i.user, roles),
      origin: { platform: 'discord', channelId: i.channelId ?? '' },
      via: i.isButton() ? 'button' : 'slash',
      input,
    };
  }

  function safePlan(c: BotCore, inv: Invocation): Plan {
    try {
      return c.plan(inv);
    } catch (err) {
      // plan() is meant to resolve synchronously without throwing; keep the user informed if it does.
      log.error({ err, inv: inv.id }, 'core.plan threw');
      return {
        reply: 'ephemeral',
        answersPreview: false,
        run: async () => ({ tone: 'error', text: `${FAILED}${inv.id}\`.` }),
        refused: () => false,
      };
    }
  }

  async function runInto(
    i: ChatInputCommandInteraction | ButtonInteraction,
    plan: Plan,
    onResult?: (m: Message) => Promise<boolean>,
  ): Promise<void> {
    const editor = createReplyEditor({
      edit: (p: DiscordPayload) => i.editReply(p).then((m) => m.id),
      editByChannel: (messageId, p) =>
        client.rest.patch(Routes.channelMessage(i.channelId ?? '', messageId), { body: p }),
      canEditByChannel: plan.reply === 'channel' && Boolean(i.channelId),
      render,
      log: log.child({ inv: i.id }),
    });
    const message = await plan
      .run((m) => editor.edit(m))
      .catch((err: unknown): Message => {
        // run() is meant never to throw; if it does, the user still gets an answer instead of a spinner.
        log.error({ err, inv: i.id }, 'plan.run threw');
        return { tone: 'error', text: `${FAILED}${i.id}\`.` };
      });
    if (onResult && (await onResult(message))) return;
    await editor.edit(message);
  }

  async function onCommand(c: BotCore, i: ChatInputCommandInteraction, roles: readonly string[]): Promise<void> {
    const { verb, options } = structuredInput(i.options.data);
    const plan = safePlan(c, invocation(i, roles, { kind: 'structured', verb, options }));
    await i.deferReply(plan.reply === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
    await runInto(i, plan);
  }

  async function onButton(c: BotCore, i: ButtonInteraction, roles: readonly string[]): Promise<void> {
    const line = await customIds.resolve(i.customId);
    if (line === undefined) {
      await i.reply({ content: EXPIRED, flags: MessageFlags.Ephemeral });
      return;
    }
    const plan = safePlan(c, invocation(i, roles, { kind: 'line', line }));
    if (!plan.answersPreview) {
      await i.deferReply(plan.reply === 'ephemeral' ? { flags: MessageFlags.Ephemeral } : {});
      return runInto(i, plan);
    }
    // The answer edits the preview the button sits on.
    await i.deferUpdate();
    // A refused Confirm or Cancel goes to the clicker alone and leaves the preview as it is, buttons and all.
    await runInto(i, plan, async (m) => {
      if (!plan.refused()) return false;
      await i.followUp({ ...(await render(m)), flags: MessageFlags.Ephemeral });
      return true;
    });
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const { verb, options, focused } = structuredInput(i.options.data);
    if (!choices || !focused) return i.respond([]);
    const timeoutMs = deps.autocompleteTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<[]>((ok) => {
      timer = setTimeout(() => ok([]), timeoutMs);
    });
    const found = choices({ verb, option: focused.name, partial: focused.value, options }).catch((err: unknown) => {
      log.warn({ err, verb, option: focused.name }, 'autocomplete lookup failed');
      return [];
    });
    const list = await Promise.race([found, late]).finally(() => clearTimeout(timer));
    await i.respond(list);
  }

  return {
    platform: 'discord',
    health() {
      const gateway = Status[client.ws.status] ?? String(client.ws.status);
      return { ok: core !== undefined && client.ws.status === Status.Ready, gateway, pingMs: client.ws.ping };
    },
    async start(c) {
      core = c;
      const ready = new Promise<void>((ok) => client.once(Events.ClientReady, () => ok()));
      await client.login(config.token);
      await ready;
      const outcome = await syncCommands({
        rest: client.rest,
        target: { applicationId: config.applicationId, guildId: config.guildId },
        commands: asCommandList(deps.commandJson()),
      });
      log.info({ outcome, guild: config.guildId ?? 'global' }, 'discord commands');
    },
    async post(to: Destination, message: Message): Promise<PostedRef> {
      const { channelId } = to;
      // The outbox's "thread" is the card's message id (Slack's thread_ts): on Discord that is a reply to the card.
      const reply = to.threadId ? { message_reference: { message_id: to.threadId, fail_if_not_exists: false } } : {};
      const body = { ...(await render(message)), ...reply, allowed_mentions: { parse: [] } };
      const sent = (await client.rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
      return { platform: 'discord', channelId, messageId: sent.id };
    },
    async update(ref: PostedRef, message: Message): Promise<void> {
      const body = { ...(await render(message)), allowed_mentions: { parse: [] } };
      await client.rest.patch(Routes.channelMessage(ref.channelId, ref.messageId), { body });
    },
    async stop() {
      core = undefined;
      await client.destroy();
    },
  };
}
