/**
 * The message model's markdown subset: **bold**, _italic_, `code`, [label](url), and backslash escapes (what
 * `esc()` produces). Parsed once here so each renderer can write its own dialect, or plain text.
 */
export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; children: Inline[] }
  | { kind: 'italic'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; label: Inline[]; url: string };

const WORD = /[\p{L}\p{N}]/u;

/**
 * Where each delimiter next starts, unescaped, at or after any index: built once per parse in one backward pass, so
 * an opener without a closer costs O(1) instead of a scan to the end (64 KB of `[` took seconds).
 */
function closings(src: string): (from: number, delim: string) => number {
  const escaped = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\' && !escaped[i] && i + 1 < src.length) escaped[i + 1] = 1;
  }
  const tables = new Map<string, Int32Array>();
  const tableOf = (delim: string): Int32Array => {
    let next = tables.get(delim);
    if (next) return next;
    next = new Int32Array(src.length + 1).fill(-1);
    for (let i = src.length - 1; i >= 0; i--) {
      const here = !escaped[i] && src[i] !== '\\' && src.startsWith(delim, i);
      next[i] = here ? i : (next[i + 1] as number);
    }
    tables.set(delim, next);
    return next;
  };
  return (from, delim) => (from > src.length ? -1 : (tableOf(delim)[from] as number));
}

const dropEscapes = (s: string): string => s.replace(/\\(.)/gs, '$1');

export function parseInline(src: string): Inline[] {
  const findClosing = closings(src);
  const out: Inline[] = [];
  let text = '';
  const flush = (): void => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (src.startsWith('**', i)) {
      const end = findClosing(i + 2, '**');
      if (end > i + 2) {
        flush();
        out.push({ kind: 'bold', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    // Underscores inside words (snake_case ids) are not emphasis.
    if (c === '_' && !WORD.test(src[i - 1] ?? '')) {
      const end = findClosing(i + 1, '_');
      if (end > i + 1 && !WORD.test(src[end + 1] ?? '')) {
        flush();
        out.push({ kind: 'italic', children: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '`') {
      const end = findClosing(i + 1, '`');
      // A span with no closing backtick runs to the end of the line: one cut short by truncation stays code, and its
      // content (upstream text, only backslashes and backticks escaped) is never read as markup.
      const stop = end < 0 ? src.length : end;
      if (stop > i + 1) {
        flush();
        out.push({ kind: 'code', text: dropEscapes(src.slice(i + 1, stop)) });
        i = stop + 1;
        continue;
      }
    }
    if (c === '[') {
      const mid = findClosing(i + 1, '](');
      const end = mid > i ? findClosing(mid + 2, ')') : -1;
      if (mid > i + 1 && end > mid + 2) {
        flush();
        out.push({
          kind: 'link',
          label: parseInline(src.slice(i + 1, mid)),
          url: dropEscapes(src.slice(mid + 2, end)),
        });
        i = end + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

function plainOfNode(n: Inline): string {
  if (n.kind === 'text' || n.kind === 'code') return n.text;
  if (n.kind === 'bold' || n.kind === 'italic') return plainOf(n.children);
  const label = plainOf(n.label);
  return label === n.url ? n.url : `${label} (${n.url})`;
}

/** The visible text of inline nodes, without any markup. */
export function plainOf(nodes: readonly Inline[]): string {
  return nodes.map(plainOfNode).join('');
}

/** Markdown subset to plain text: markup dropped, links shown as `label (url)`. */
export function markdownToPlain(src: string): string {
  return src
    .split('\n')
    .map((line) => plainOf(parseInline(line)))
    .join('\n');
}
