import type { Action, Message, Tone } from '../bot/message.js';
import { withBidiControlsShown } from './bidi.js';
import { discordCodeBlockBody, escapeDiscordData, escapeDiscordInline, toDiscordMarkdown } from './discord-markdown.js';
import { DISCORD, fitRendered, isButtonUrl, tailLines, trimEndNewlines, truncateText } from './limits.js';
import { markdownToPlain } from './markdown.js';

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

export type DiscordButton =
  | { type: 2; style: 1 | 2 | 4; label: string; custom_id: string }
  | { type: 2; style: 5; label: string; url: string };

export interface DiscordActionRow {
  type: 1;
  components: DiscordButton[];
}

/** Plain Discord API objects (camelCase-free), accepted as-is by discord.js `reply`/`editReply` and REST. */
export interface DiscordMessage {
  content?: string;
  embeds: DiscordEmbed[];
  components: DiscordActionRow[];
}

export interface DiscordRenderOptions {
  /** The adapter's `custom_id` for a command button: `cmd:<line>` when it fits, otherwise `ref:<id>`. */
  customIdFor(line: string): string;
}

export const TONE_COLOR: Record<Tone, number> = {
  info: 0x3b82f6,
  success: 0x22c55e,
  warning: 0xf59e0b,
  error: 0xef4444,
};

const EMPTY_FIELD = '\u200b';

function codeBlock(body: string, lang: string | undefined, max: number): string {
  const open = '```' + (lang && /^[\w+-]{1,20}$/.test(lang) ? lang : '') + '\n';
  const close = '\n```';
  const safe = discordCodeBlockBody(trimEndNewlines(body));
  return open + tailLines(safe, Math.max(0, max - open.length - close.length)) + close;
}

function buttonOf(action: Action, opts: DiscordRenderOptions): DiscordButton | undefined {
  const label = truncateText(action.label || action.kind, DISCORD.buttonLabel);
  if (action.kind === 'link') {
    return isButtonUrl(action.url, DISCORD.buttonUrl) ? { type: 2, style: 5, label, url: action.url } : undefined;
  }
  const customId = opts.customIdFor(action.command);
  // An id that does not fit would be refused with a 400, and a cut one would run another command.
  if (customId.length === 0 || customId.length > DISCORD.customId) return undefined;
  const style = action.style === 'primary' ? 1 : action.style === 'danger' ? 4 : 2;
  return { type: 2, style, label, custom_id: customId };
}

function rowsOf(message: Message, opts: DiscordRenderOptions): { rows: DiscordActionRow[]; dropped: number } {
  const actions = message.actions ?? [];
  const seen = new Set<string>();
  const buttons: DiscordButton[] = [];
  for (const a of actions) {
    const b = buttonOf(a, opts);
    if (!b || buttons.length >= DISCORD.buttonsPerRow * DISCORD.rows) continue;
    // custom_ids must be unique in a message; two buttons running the same line are one button.
    if (b.style !== 5) {
      if (seen.has(b.custom_id)) continue;
      seen.add(b.custom_id);
    }
    buttons.push(b);
  }
  const rows: DiscordActionRow[] = [];
  for (let i = 0; i < buttons.length; i += DISCORD.buttonsPerRow) {
    rows.push({ type: 1, components: buttons.slice(i, i + DISCORD.buttonsPerRow) });
  }
  return { rows, dropped: actions.length - buttons.length };
}

/** Renders a message as one Discord embed and its button rows. */
export function toDiscord(input: Message, opts: DiscordRenderOptions): DiscordMessage {
  const message = withBidiControlsShown(input);
  const embed: DiscordEmbed = {};
  if (message.tone) embed.color = TONE_COLOR[message.tone];
  // Titles and field names render inline markdown, footers none: plain text in the model is escaped or unwrapped.
  if (message.title) embed.title = truncateText(escapeDiscordInline(message.title), DISCORD.title);

  const { rows, dropped } = rowsOf(message, opts);
  const fields = message.fields ?? [];
  const rendered = fields.slice(0, DISCORD.fields).map((f) => ({
    name: truncateText(escapeDiscordInline(f.label), DISCORD.fieldName) || EMPTY_FIELD,
    // Escaping never shortens data: cutting the value to the field's size first only saves work.
    value:
      truncateText(escapeDiscordData(truncateText(f.value, DISCORD.fieldValue)), DISCORD.fieldValue) || EMPTY_FIELD,
    inline: f.inline ?? false,
  }));
  const fieldsLength = rendered.reduce((n, f) => n + f.name.length + f.value.length, 0);

  const notes: string[] = [];
  if (dropped > 0) notes.push(`… and ${dropped} more actions`);
  const footerParts = [message.footer && truncateText(markdownToPlain(message.footer), 400), ...notes];
  const footer = footerParts.filter((s): s is string => Boolean(s)).join(' · ') || undefined;

  // The 6000 total is shared: title and footer first, then the description, and fields get what is left,
  // but at least 2000 when they need it, so a long log does not crowd out the run's facts.
  const fixed = (embed.title?.length ?? 0) + (footer?.length ?? 0) + 100;
  const descriptionMax = Math.min(DISCORD.description, DISCORD.embedTotal - fixed - Math.min(fieldsLength, 2000));
  const parts: string[] = [];
  if (message.text) {
    const textMax = message.code ? Math.min(descriptionMax - 200, 2000) : descriptionMax;
    const text = fitRendered(message.text, textMax, toDiscordMarkdown);
    if (text) parts.push(text);
  }
  if (message.code) {
    const used = parts.reduce((n, p) => n + p.length + 2, 0);
    parts.push(codeBlock(message.code.body, message.code.lang, descriptionMax - used));
  }
  if (parts.length > 0) embed.description = parts.join('\n\n');

  let left = DISCORD.embedTotal - fixed - (embed.description?.length ?? 0);
  const kept: typeof rendered = [];
  for (const f of rendered) {
    if (f.name.length + f.value.length > left) break;
    kept.push(f);
    left -= f.name.length + f.value.length;
  }
  const hidden = fields.length - kept.length;
  if (hidden > 0) {
    // The last slot says how many fields did not fit, so the reader knows the list is partial.
    if (kept.length === DISCORD.fields) kept.pop();
    kept.push({ name: EMPTY_FIELD, value: `… and ${fields.length - kept.length} more fields`, inline: false });
  }
  if (kept.length > 0) embed.fields = kept;
  if (footer) embed.footer = { text: footer };
  if (message.timestamp) embed.timestamp = message.timestamp.toISOString();

  // Discord refuses an embed with nothing in it; a message that is only buttons gets a neutral line.
  if (!embed.title && !embed.description && !embed.fields && !embed.footer) embed.description = EMPTY_FIELD;
  return { embeds: [embed], components: rows };
}
