import { type Inline, parseInline, plainOf } from './markdown.js';

/**
 * Discord markdown, where upstream text stays data. Discord honours a backslash before any punctuation, so data gets
 * one before every character that could start markup inline, and before the marks that only count at the start of a
 * line (headings, `-#` subtext, quotes, lists). `@everyone` and `@here` get a zero-width space even though the bot
 * sends `allowed_mentions: { parse: [] }`: the text must not even look like a ping.
 */

const INLINE = /[\\*_~`|[\]<]/g;
const LINE_START = /^(\s*)(?:([#>+-])|(\d+)([.)]))/;
const BROADCAST = /@(?=(?:everyone|here)(?![A-Za-z0-9]))/gi;
const ZWSP = '\u200b';

function escapeInline(s: string): string {
  return s.replace(INLINE, (c) => `\\${c}`).replace(BROADCAST, `@${ZWSP}`);
}

/** One line of data; `atLineStart` when nothing precedes it on its line. */
export function escapeDiscordText(s: string, atLineStart: boolean): string {
  const out = escapeInline(s);
  if (!atLineStart) return out;
  return out.replace(LINE_START, (_m, space: string, mark?: string, digits?: string, dot?: string) =>
    mark ? `${space}\\${mark}` : `${space}${digits}\\${dot}`,
  );
}

/** Data on several lines, such as a field value: every line is a line start. */
export function escapeDiscordData(s: string): string {
  return s
    .split('\n')
    .map((line) => escapeDiscordText(line, true))
    .join('\n');
}

/** Titles and field names render inline markdown (not headings or quotes): data there gets the inline escapes. */
export function escapeDiscordInline(s: string): string {
  return escapeInline(s.replace(/\n/g, ' '));
}

/**
 * Inline code: Discord has no escape inside it, so a backtick becomes a look-alike and the span cannot end early.
 * Code shows no mentions, but a broadcast word still gets its zero-width space: it reads the same everywhere.
 */
function codeSpan(s: string): string {
  return `\`${s.replace(/`/g, 'ˋ').replace(BROADCAST, `@${ZWSP}`)}\``;
}

function discordOf(nodes: readonly Inline[], atLineStart: boolean): string {
  return nodes
    .map((n, i): string => {
      const start = atLineStart && i === 0;
      if (n.kind === 'text') return escapeDiscordText(n.text, start);
      if (n.kind === 'code') return codeSpan(n.text);
      if (n.kind === 'bold') return `**${discordOf(n.children, false)}**`;
      if (n.kind === 'italic') return `_${discordOf(n.children, false)}_`;
      const url = n.url.replace(/\)/g, '%29').replace(/ /g, '%20');
      return `[${escapeInline(plainOf(n.label))}](${url})`;
    })
    .join('');
}

/** The markdown subset as Discord markdown, with upstream text escaped. */
export function toDiscordMarkdown(src: string): string {
  return src
    .split('\n')
    .map((line) => discordOf(parseInline(line), true))
    .join('\n');
}

/**
 * A code block body. Discord has no escapes inside one; a zero-width space between any two neighbouring backticks
 * keeps a run of three from closing it (a plain replace of ``` leaves one when six come in a row).
 */
export function discordCodeBlockBody(body: string): string {
  return body.replace(/`(?=`)/g, `\`${ZWSP}`).replace(BROADCAST, `@${ZWSP}`);
}
