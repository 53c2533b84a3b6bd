// ChatDriver on Discord: types `/mlops` lines as the registered subcommands, clicks buttons, reads what the bot sent.
import { tokenize } from '../../src/bot/command-line.js';
import { TONE_COLOR } from '../../src/render/discord.js';
import type { FakeDiscord, FakeMessage, MessageEvent } from '../standins/fake-discord.js';
import type { ChatDriver, DriverUser, SeenMessage, SeenTone } from './chat-driver.js';

type Json = Record<string, unknown>;
interface RegisteredOption {
  name: string;
  type: number;
  required?: boolean;
  options?: RegisteredOption[];
}

const EPHEMERAL = 64;

function jsonOr(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
const KEY = /^[A-Za-z_][\w.-]*$/;

/** Embed colours back to tones, as src/render/discord.ts paints them. */
const TONES: Record<number, SeenTone> = Object.fromEntries(
  Object.entries(TONE_COLOR).map(([tone, color]) => [color, tone as SeenTone]),
);

/** Discord shows `\_` as `_` (a backslash before any punctuation): the seen text is what the user reads. */
export function unescapeMarkdown(s: string): string {
  return s.replace(/\\([^\sA-Za-z0-9])/g, '$1');
}

export function discordSeen(msg: FakeMessage, tones: Record<number, SeenTone> = TONES): SeenMessage {
  const embed = (msg.embeds[0] ?? {}) as Json;
  const fields = ((embed.fields as Json[] | undefined) ?? []).map((f) => ({
    label: unescapeMarkdown(String(f.name)),
    value: unescapeMarkdown(String(f.value)),
  }));
  const buttons = (msg.components as Json[]).flatMap((row) =>
    ((row.components as Json[] | undefined) ?? []).map((b) => String(b.label ?? '')),
  );
  const text = unescapeMarkdown(
    [msg.content, typeof embed.description === 'string' ? embed.description : ''].filter(Boolean).join('\n'),
  );
  const color = typeof embed.color === 'number' ? embed.color : undefined;
  return {
    title: typeof embed.title === 'string' ? unescapeMarkdown(embed.title) : undefined,
    text,
    fields,
    buttons,
    tone: color === undefined ? undefined : tones[color],
    ephemeral: (msg.flags & EPHEMERAL) !== 0,
    raw: msg,
  };
}

export class DiscordDriver implements ChatDriver {
  readonly platform = 'discord' as const;
  /** Starts at the stand-in's present, so one test never reads another's late progress edits. */
  private replyCursor: number;
  private readonly start: number;
  private readonly postCursor = new Map<string, number>();
  private readonly editCursor = new Map<string, number>();
  private readonly seen: SeenMessage[] = [];
  /** Interaction ids this driver dispatched, in order. */
  readonly interactions: string[] = [];

  constructor(
    private readonly fake: FakeDiscord,
    private readonly opts: { tones?: Record<number, SeenTone>; defaultUser?: DriverUser } = {},
  ) {
    this.replyCursor = fake.events.length;
    this.start = fake.events.length;
  }

  /** Maps `verb a b key=v --flag` onto the subcommand the bot registered, as a Discord user fills the form. */
  optionsFor(line: string): { verb: string; options: Record<string, string | number | boolean> } {
    const [verbToken, ...rest] = tokenize(line);
    const verb = verbToken?.value ?? '';
    const registered = [...this.fake.commands.values()].flat().find((c) => c.name === 'mlops');
    if (!registered) throw new Error('the bot has not registered /mlops');
    const sub = ((registered.options as RegisteredOption[] | undefined) ?? []).find((o) => o.name === verb);
    if (!sub) throw new Error(`/mlops has no subcommand '${verb}': Discord would not let a user send it`);
    const declared = sub.options ?? [];
    const options: Record<string, string | number | boolean> = {};
    const extra: Record<string, string> = {};
    const set = (name: string, raw: string | true) => {
      const o = declared.find((d) => d.name === name);
      if (!o) {
        extra[name] = String(raw);
        return;
      }
      options[name] =
        raw === true ? true : o.type === 4 || o.type === 10 ? Number(raw) : o.type === 5 ? raw === 'true' : raw;
    };
    const positional: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i] as { value: string; quotedFrom: number };
      const eq = t.value.indexOf('=');
      if (t.value.startsWith('--') && t.quotedFrom > 2) {
        const body = t.value.slice(2);
        const bodyEq = body.indexOf('=');
        if (bodyEq > 0) set(body.slice(0, bodyEq), body.slice(bodyEq + 1));
        else if (declared.find((d) => d.name === body)?.type === 5) set(body, true);
        else if (body === 'yes') continue;
        else set(body, rest[++i]?.value ?? '');
      } else if (eq > 0 && eq < t.quotedFrom && KEY.test(t.value.slice(0, eq)))
        set(t.value.slice(0, eq), t.value.slice(eq + 1));
      else positional.push(t.value);
    }
    const free = declared.filter((d) => !(d.name in options));
    positional.forEach((v, k) => {
      const o = free[k];
      if (!o) throw new Error(`'${line}': too many positional values for /mlops ${verb}`);
      set(o.name, v);
    });
    if (Object.keys(extra).length) {
      if (!declared.some((d) => d.name === 'conf'))
        throw new Error(`/mlops ${verb} has no options ${Object.keys(extra).join(', ')}`);
      // A Discord user has no key=value syntax: they type the conf JSON, with real booleans and numbers.
      const typed = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, jsonOr(v)]));
      options.conf = JSON.stringify({ ...typed, ...(options.conf ? JSON.parse(String(options.conf)) : {}) });
    }
    return { verb, options };
  }

  async invoke(line: string, as: DriverUser = {}): Promise<void> {
    const { verb, options } = this.optionsFor(line);
    const user = { ...this.opts.defaultUser, ...as };
    this.interactions.push(this.fake.chatInput(verb, options, { id: user.user, roles: user.roles }));
  }

  async nextReply(timeoutMs = 10_000): Promise<SeenMessage> {
    const mine = (e: MessageEvent) =>
      e.via !== 'channel' &&
      e.interactionId !== undefined &&
      this.interactions.includes(e.interactionId) &&
      (e.message.content !== '' || e.message.embeds.length > 0);
    const [event, index] = await this.fake.waitFor(
      () => {
        for (let k = this.replyCursor; k < this.fake.events.length; k++) {
          const e = this.fake.events[k] as MessageEvent;
          if (mine(e)) return [e, k] as const;
        }
        return undefined;
      },
      timeoutMs,
      'a reply',
    );
    this.replyCursor = index + 1;
    const seen = discordSeen(event.message, this.opts.tones);
    this.seen.push(seen);
    return seen;
  }

  async click(buttonLabel: string, as: DriverUser = {}): Promise<void> {
    const user = { ...this.opts.defaultUser, ...as };
    for (const e of [...this.fake.events].reverse()) {
      const current = this.fake.message(e.message.id);
      const button = (current?.components as Json[] | undefined)
        ?.flatMap((row) => (row.components as Json[] | undefined) ?? [])
        .find((b) => b.label === buttonLabel && typeof b.custom_id === 'string');
      if (current && button) {
        this.interactions.push(
          this.fake.button(current.id, String(button.custom_id), { id: user.user, roles: user.roles }),
        );
        return;
      }
    }
    throw new Error(`no message carries a '${buttonLabel}' button`);
  }

  /** Clicks the labelled button on one given message (a card among several that carry the same labels). */
  async clickOn(messageId: string, buttonLabel: string, as: DriverUser = {}): Promise<void> {
    const user = { ...this.opts.defaultUser, ...as };
    const button = (this.fake.message(messageId)?.components as Json[] | undefined)
      ?.flatMap((row) => (row.components as Json[] | undefined) ?? [])
      .find((b) => b.label === buttonLabel && typeof b.custom_id === 'string');
    if (!button) throw new Error(`message ${messageId} has no '${buttonLabel}' button`);
    this.interactions.push(this.fake.button(messageId, String(button.custom_id), { id: user.user, roles: user.roles }));
  }

  nextChannelPost(channelId: string, timeoutMs = 10_000): Promise<SeenMessage> {
    return this.nextOf(this.postCursor, channelId, 'create', timeoutMs);
  }

  nextEdit(channelId: string, timeoutMs = 10_000): Promise<SeenMessage> {
    return this.nextOf(this.editCursor, channelId, 'edit', timeoutMs);
  }

  repliesSoFar(): SeenMessage[] {
    return [...this.seen];
  }

  async close(): Promise<void> {}

  private async nextOf(cursors: Map<string, number>, channelId: string, kind: MessageEvent['kind'], timeoutMs: number) {
    const [event, index] = await this.fake.waitFor(
      () => {
        for (let k = cursors.get(channelId) ?? this.start; k < this.fake.events.length; k++) {
          const e = this.fake.events[k] as MessageEvent;
          if (e.via === 'channel' && e.kind === kind && e.message.channel_id === channelId) return [e, k] as const;
        }
        return undefined;
      },
      timeoutMs,
      `a channel ${kind} in ${channelId}`,
    );
    cursors.set(channelId, index + 1);
    return discordSeen(event.message, this.opts.tones);
  }
}
