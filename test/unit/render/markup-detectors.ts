/**
 * Finds markup that upstream text could have produced in rendered output, as readable problems (empty when inert).
 * Each detector models its platform loosely and on the permissive side: it flags what the platform might honour.
 */

const ALNUM = /[A-Za-z0-9]/;
const SLACK_FAMILIES: Record<string, string> = { '*': '*', '＊': '*', _: '_', '＿': '_', '~': '~', '～': '~' };

/** Slack mrkdwn that is entirely data: no link, mention, broadcast, quote, code or emphasis may be live. */
export function slackMarkup(mrkdwn: string): string[] {
  const out: string[] = [];
  if (mrkdwn.includes('<')) out.push('a < starts a link or mention');
  if (/@(here|channel|everyone)(?![A-Za-z0-9])/i.test(mrkdwn)) out.push('a broadcast word');
  if (/(^|\n)[ \t]*(&gt;|＞)/.test(mrkdwn)) out.push('a block quote');
  // One backtick alone (a span cut short by truncation) formats nothing; two could make a code span.
  if ((mrkdwn.match(/[`｀]/g) ?? []).length > 1) out.push('a pair of backticks');
  // A span needs an opener (after the start or a non-alphanumeric, before a non-space) and a later closer (after a
  // non-space, before the end or a non-alphanumeric): the last closer of each family is enough to know.
  const lastCloser = new Map<string, number>();
  for (let j = 1; j < mrkdwn.length; j++) {
    const family = SLACK_FAMILIES[mrkdwn[j] as string];
    const next = mrkdwn[j + 1];
    if (family && !/\s/.test(mrkdwn[j - 1] as string) && (next === undefined || !ALNUM.test(next)))
      lastCloser.set(family, j);
  }
  for (let i = 0; i < mrkdwn.length; i++) {
    const family = SLACK_FAMILIES[mrkdwn[i] as string];
    if (!family) continue;
    const before = mrkdwn[i - 1];
    const after = mrkdwn[i + 1];
    if ((before !== undefined && ALNUM.test(before)) || after === undefined || /\s/.test(after)) continue;
    const j = lastCloser.get(family) ?? -1;
    if (j >= i + 2) {
      out.push(`${family}…${family} from ${i} to ${j} could format`);
      break;
    }
  }
  return out;
}

/** Discord markdown where data is escaped; code spans (between the renderer's own backticks) are skipped. */
export function discordMarkup(md: string, opts: { lineStarts: boolean }): string[] {
  const out: string[] = [];
  if (/@(everyone|here)(?![A-Za-z0-9])/i.test(md)) out.push('a broadcast word');
  let inCode = false;
  for (let i = 0; i < md.length; i++) {
    const c = md[i] as string;
    if (c === '\\' && !inCode) {
      i++;
      continue;
    }
    if (c === '`') {
      inCode = !inCode;
      continue;
    }
    if (!inCode && '<[*_~|'.includes(c)) out.push(`unescaped ${c} at ${i}`);
  }
  if (inCode) out.push('a code span that never closes');
  if (opts.lineStarts) {
    for (const line of md.split('\n')) {
      if (/^\s*([#>+-]|\d+[.)])/.test(line))
        out.push(`a line that starts as markup: ${JSON.stringify(line.slice(0, 20))}`);
    }
  }
  return out.slice(0, 5);
}

/** Control characters other than newline and tab, which a terminal would act on. */
export function terminalControls(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const m = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text);
  return m ? [`control character U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`] : [];
}
