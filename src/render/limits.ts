/**
 * Every platform limit the renderers respect (chat-standins.md §7). Slack checks nothing client-side and discord.js
 * checks nothing for plain-object payloads, so these numbers are the bot's only guard.
 * Lengths are JavaScript string lengths (UTF-16 units), which never undercount what the platforms measure.
 */
export const SLACK = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  /** `chat.postMessage` truncates `text` beyond 40 000; the fallback text is a notification preview, keep it short. */
  fallbackText: 3000,
} as const;

export const DISCORD = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Summed over title, description, field names and values, footer text and author name of every embed. */
  embedTotal: 6000,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  customId: 100,
  /** Link button URL (Discord API reference, button object). */
  buttonUrl: 512,
} as const;

/** The terminal has no hard limit; these keep a reply readable. */
export const CONSOLE = {
  code: 8000,
  text: 20000,
  label: 100,
} as const;

/** Both platforms refuse a link button whose URL is not absolute http(s) or over their length limit. */
export function isButtonUrl(url: string, max: number): boolean {
  if (url.length > max) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The longest prefix (or suffix) of a `len`-long string that fits in `max` together with the note describing the
 * rest, as the note grows with the number of characters cut.
 */
function fitWithNote(len: number, max: number, noteFor: (cut: number) => string): { keep: number; note: string } {
  let keep = max;
  for (;;) {
    const note = noteFor(len - keep);
    const fits = Math.max(0, max - note.length);
    if (fits >= keep) return { keep, note };
    keep = fits;
  }
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Fits `s` into `max` characters, saying what was cut: whole lines with "… and N more lines" when the text is a
 * list, characters with "… and N more chars" otherwise.
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return max === 1 ? '…' : '';
  const byLines = truncateLines(s, max);
  if (byLines !== undefined) return byLines;
  const moreChars = (cut: number): string => `… and ${plural(cut, 'more char', 'more chars')}`;
  if (moreChars(s.length).length >= max) return `${s.slice(0, isHigh(s.charCodeAt(max - 2)) ? max - 2 : max - 1)}…`;
  let { keep } = fitWithNote(s.length, max, moreChars);
  if (keep > 0 && isHigh(s.charCodeAt(keep - 1))) keep--;
  const head = s.slice(0, keep).trimEnd();
  return head + moreChars(s.length - head.length);
}

function truncateLines(s: string, max: number): string | undefined {
  const lines = s.split('\n');
  if (lines.length < 2) return undefined;
  let used = 0;
  let kept = 0;
  for (const line of lines) {
    const next = used + (kept > 0 ? 1 : 0) + line.length;
    const suffix = `\n… and ${plural(lines.length - kept - 1, 'more line', 'more lines')}`;
    if (next + suffix.length > max) break;
    used = next;
    kept++;
  }
  // A list cut after a few lines says more than a paragraph cut mid-word, but not when most of the room is lost.
  if (kept === 0 || used < max / 2) return undefined;
  return `${lines.slice(0, kept).join('\n')}\n… and ${plural(lines.length - kept, 'more line', 'more lines')}`;
}

/**
 * Markdown source rendered within `max`. The source is cut, never the rendering: a rendering cut inside a code span,
 * `**` or a link leaves it open, and whatever comes after (on Discord, the log block below the text) could close it
 * and turn data into markup. A binary search over the kept length costs a few renders, not one per character.
 */
export function fitRendered(src: string, max: number, render: (src: string) => string): string {
  // Rendering at most halves a source (`\x` becomes `x`), so a longer source can never fit whole.
  const bound = 2 * max + 2;
  if (src.length <= bound) {
    const full = render(src);
    if (full.length <= max) return full;
  }
  let best = '';
  let lo = 0;
  let hi = Math.min(src.length - 1, bound);
  while (lo <= hi) {
    const keep = (lo + hi) >> 1;
    const out = render(truncateText(src, keep));
    if (out.length <= max) {
      best = out;
      lo = keep + 1;
    } else hi = keep - 1;
  }
  return best;
}

/** Drops trailing line breaks with a loop: `/\n+$/` retries from every break and takes quadratic time on a log of them. */
export function trimEndNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  return s.slice(0, end);
}

/**
 * Keeps the end of a log, where the error usually is, within `maxChars`, and says how many earlier lines were cut.
 */
export function tailLines(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  const lines = s.split('\n');
  let used = 0;
  let kept = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const next = used + line.length + (kept > 0 ? 1 : 0);
    const note = `... ${plural(lines.length - kept - 1, 'earlier line', 'earlier lines')} cut\n`;
    if (next + note.length > maxChars) break;
    used = next;
    kept++;
  }
  if (kept > 0) {
    const note = `... ${plural(lines.length - kept, 'earlier line', 'earlier lines')} cut\n`;
    return note + lines.slice(lines.length - kept).join('\n');
  }
  // Even the last line is too long: keep its end.
  const last = lines[lines.length - 1] ?? '';
  const earlier = lines.length - 1;
  const noteFor = (cut: number): string =>
    earlier > 0
      ? `... ${plural(earlier, 'earlier line', 'earlier lines')} and ${plural(cut, 'char', 'chars')} cut\n`
      : `... ${plural(cut, 'earlier char', 'earlier chars')} cut\n`;
  if (noteFor(last.length).length >= maxChars) return last.slice(last.length - maxChars);
  let { keep } = fitWithNote(last.length, maxChars, noteFor);
  if (keep > 0 && isLow(last.charCodeAt(last.length - keep))) keep--;
  return noteFor(last.length - keep) + last.slice(last.length - keep);
}
