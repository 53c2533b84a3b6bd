import { type Inline, parseInline, plainOf } from './markdown.js';

/**
 * Slack mrkdwn, where upstream text stays data. mrkdwn has no backslash escape: `&`, `<` and `>` become entities,
 * and a formatting character from data (`*`, `_`, `~`, backtick, and the full-width forms Slack also honours) is
 * swapped for a look-alike when it could take part in a span. Slack ignores `snake_case` underscores, so a character
 * counts as able to open only after the start or anything but an ASCII letter or digit, and to close only before the
 * end or such a character; it is swapped when it could open and the same character comes later in the object, or
 * could close and an opener came earlier. Backticks always are. Run ids such as `manual__2026-03-14` keep their
 * underscores that way, so they can still be copied.
 */

/** A piece of one mrkdwn object: markup the renderer wrote, data to show as itself, or an inline code span. */
export type Piece = { markup: string; edge?: 'open' | 'close' } | { data: string } | { code: string };

const LOOK_ALIKE: Record<string, { family: string; alike: string }> = {
  '*': { family: '*', alike: '∗' },
  '＊': { family: '*', alike: '﹡' },
  _: { family: '_', alike: 'ˍ' },
  '＿': { family: '_', alike: '⸏' },
  '~': { family: '~', alike: '∼' },
  '～': { family: '~', alike: '∼' },
  '`': { family: '`', alike: 'ˋ' },
  '｀': { family: '`', alike: 'ˋ' },
};

const ALNUM = /[A-Za-z0-9]/;
/** Slack's automatic parsing turns these words into channel-wide pings unless text is sent verbatim. */
const BROADCAST = /@(?=(?:here|channel|everyone)(?![A-Za-z0-9]))/gi;
const FORMATTING = /[*＊_＿~～]/g;
/** Formatting characters, and the quote marks Slack reads (as `&gt;` and full width) at the start of a line. */
const SPECIAL = /[*＊_＿~～`｀>＞]/g;
const ZWSP = '\u200b';
const SOFT_HYPHEN = '\u00ad';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => ENTITY[c] as string);
}

/** Broadcast words and entities: what Slack may still act on inside code, where it formats nothing else. */
function inertCode(s: string): string {
  return escapeSlack(s.replace(BROADCAST, `@${ZWSP}`));
}

/** Inline code: backticks cannot be escaped inside it, so they become a look-alike. */
function codeText(s: string): string {
  return inertCode(s.replace(/[`｀]/g, 'ˋ'));
}

const canOpen = (raw: string, i: number): boolean => i === 0 || !ALNUM.test(raw[i - 1] as string);
const canClose = (raw: string, i: number): boolean => i === raw.length - 1 || !ALNUM.test(raw[i + 1] as string);

/** Only spaces or tabs stand between the start of the line and `i` (a scan stops at the first other character). */
function atLineStart(raw: string, i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const c = raw[k];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

const rawOf = (p: Piece): string => ('markup' in p ? p.markup : 'code' in p ? `\`${p.code}\`` : p.data);

/** Renders pieces as one mrkdwn object with every data character shown as itself. */
export function renderPieces(pieces: readonly Piece[]): string {
  const raw = pieces.map(rawOf).join('');
  const firstOpener = new Map<string, number>();
  const lastOf = new Map<string, number>();
  for (const m of raw.matchAll(FORMATTING)) {
    const family = (LOOK_ALIKE[m[0]] as { family: string }).family;
    lastOf.set(family, m.index);
    if (!firstOpener.has(family) && canOpen(raw, m.index)) firstOpener.set(family, m.index);
  }
  // A character is swapped when it could open a span that something later closes, or close one opened earlier.
  const isLive = (family: string, pos: number): boolean =>
    family === '`' ||
    (canOpen(raw, pos) && (lastOf.get(family) ?? -1) > pos) ||
    (canClose(raw, pos) && (firstOpener.get(family) ?? Number.POSITIVE_INFINITY) < pos);
  let out = '';
  let at = 0;
  for (const p of pieces) {
    const start = at;
    at += rawOf(p).length;
    if ('code' in p) {
      // A span glued to a word is not recognised; a zero-width space before and after makes it one (and is not copied
      // with the code).
      const before = ALNUM.test(raw[start - 1] ?? '') ? ZWSP : '';
      const after = ALNUM.test(raw[at] ?? '') ? ZWSP : '';
      out += `${before}\`${codeText(p.code)}\`${after}`;
      continue;
    }
    if ('markup' in p) {
      if (p.edge === 'open' && ALNUM.test(raw[start - 1] ?? '')) out += ZWSP;
      out += p.markup;
      if (p.edge === 'close' && ALNUM.test(raw[at] ?? '')) out += ZWSP;
      continue;
    }
    const data = p.data.replace(SPECIAL, (c: string, offset: number) => {
      const pos = start + offset;
      const rule = LOOK_ALIKE[c];
      if (rule) return isLive(rule.family, pos) ? rule.alike : c;
      return atLineStart(raw, pos) ? SOFT_HYPHEN + c : c;
    });
    out += escapeSlack(data.replace(BROADCAST, `@${ZWSP}`));
  }
  return out;
}

function piecesOf(nodes: readonly Inline[], out: Piece[]): Piece[] {
  for (const n of nodes) {
    if (n.kind === 'text') out.push({ data: n.text });
    else if (n.kind === 'code') out.push({ code: n.text });
    else if (n.kind === 'bold' || n.kind === 'italic') {
      const mark = n.kind === 'bold' ? '*' : '_';
      out.push({ markup: mark, edge: 'open' });
      piecesOf(n.children, out);
      out.push({ markup: mark, edge: 'close' });
    } else {
      out.push({ markup: `<${escapeSlack(n.url).replace(/\|/g, '%7C')}|` });
      out.push({ data: plainOf(n.label) });
      out.push({ markup: '>' });
    }
  }
  return out;
}

/** The markdown subset as Slack mrkdwn: **bold** -> *bold*, [l](u) -> <u|l>, data escaped. */
export function toMrkdwn(src: string): string {
  const pieces: Piece[] = [];
  src.split('\n').forEach((line, i) => {
    if (i > 0) pieces.push({ markup: '\n' });
    piecesOf(parseInline(line), pieces);
  });
  return renderPieces(pieces);
}

/** A field as `*label*` over its value, both data; the label stays on its line, or the bold would not close. */
export function mrkdwnField(label: string, value: string): string {
  return renderPieces([
    { markup: '*', edge: 'open' },
    { data: label.replace(/\r\n|[\r\n]/g, ' ') },
    { markup: '*', edge: 'close' },
    { markup: '\n' },
    { data: value },
  ]);
}

/** Upstream text that is all data, such as the notification fallback. */
export function mrkdwnData(s: string): string {
  return renderPieces([{ data: s }]);
}

/**
 * A code block. Inside one Slack formats nothing, but three backticks in a row would close it early: a zero-width
 * space goes between any two neighbouring backticks, so no run of three can form (a plain replace of ``` leaves one
 * when six come in a row).
 */
export function mrkdwnCodeBlockBody(body: string): string {
  return inertCode(body).replace(/`(?=`)/g, `\`${ZWSP}`);
}
