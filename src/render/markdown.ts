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

/** Index of the next unescaped `delim` at or after `from`, or -1. */
function findClosing(src: string, from: number, delim: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src.startsWith(delim, i)) return i;
  }
  return -1;
}

const dropEscapes = (s: string): string => s.replace(/\\(.)/gs, '$1');

export function parseInline(src: string): Inline[] {
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
      const end = findClosing(src, i + 2, '**');
      if (end > i + 2) {
        flush();
        out.push({ kind: 'bold', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    // Underscores inside words (snake_case ids) are not emphasis.
    if (c === '_' && !WORD.test(src[i - 1] ?? '')) {
      const end = findClosing(src, i + 1, '_');
      if (end > i + 1 && !WORD.test(src[end + 1] ?? '')) {
        flush();
        out.push({ kind: 'italic', children: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '`') {
      const end = findClosing(src, i + 1, '`');
      if (end > i + 1) {
        flush();
        out.push({ kind: 'code', text: dropEscapes(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const mid = findClosing(src, i + 1, '](');
      const end = mid > i ? findClosing(src, mid + 2, ')') : -1;
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
