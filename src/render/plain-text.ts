import type { Message, Tone } from '../bot/message.js';
import { showBidiControls } from './bidi.js';
import { CONSOLE, tailLines, trimEndNewlines, truncateText } from './limits.js';
import { markdownToPlain } from './markdown.js';

const MARKER: Record<Tone, string> = { info: 'ℹ', success: '✔', warning: '⚠', error: '✖' };

/**
 * Upstream text (logs above all) may carry escape sequences that would move the cursor, recolour or retitle the
 * terminal: control characters are shown in caret notation instead, tabs and newlines kept.
 */
export function sanitizeForTerminal(s: string): string {
  const shown = showBidiControls(s).replace(/\r\n/g, '\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return shown.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
    return code === 0x7f ? '^?' : '\ufffd';
  });
}

// Hangul, CJK, full-width forms and most emoji take two terminal columns.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

/** Terminal columns a string takes, so labels in Korean or Japanese still line up. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** ISO-like and always UTC, so output does not depend on the machine's zone. */
export function formatTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Renders a message for the terminal. */
export function toPlainText(message: Message): string {
  const sections: string[] = [];
  const marker = message.tone ? MARKER[message.tone] : undefined;
  let pendingMarker = marker;
  const lead = (s: string): string => {
    if (!pendingMarker) return s;
    const out = `${pendingMarker} ${s}`;
    pendingMarker = undefined;
    return out;
  };

  if (message.title) sections.push(lead(message.title));
  if (message.text) sections.push(lead(truncateText(markdownToPlain(message.text), CONSOLE.text)));

  const fields = message.fields ?? [];
  if (fields.length > 0) {
    // Labels are names, kept to one short line: a long one would indent every line of every value by its width.
    const labels = fields.map((f) => truncateText(f.label.replace(/\r\n|[\r\n]/g, ' '), CONSOLE.label));
    const width = labels.reduce((w, l) => Math.max(w, displayWidth(l)), 0) + 1;
    const indent = ' '.repeat(width + 1);
    const lines = fields.map((f, i) => {
      const label = labels[i] ?? '';
      const [first = '', ...rest] = truncateText(f.value, CONSOLE.text).split('\n');
      const head = `${label}:` + ' '.repeat(width - displayWidth(label) - 1);
      return [`${head} ${first}`, ...rest.map((l) => indent + l)].join('\n');
    });
    sections.push(lead(lines.join('\n')));
  }

  if (message.code) sections.push(lead(tailLines(trimEndNewlines(message.code.body), CONSOLE.code)));

  const actions = message.actions ?? [];
  if (actions.length > 0) {
    sections.push(
      lead(
        actions.map((a) => (a.kind === 'command' ? `[${a.label}] → ${a.command}` : `[${a.label}] ${a.url}`)).join('\n'),
      ),
    );
  }

  const footer = [
    message.footer && markdownToPlain(message.footer),
    message.timestamp && formatTimestamp(message.timestamp),
  ].filter(Boolean);
  if (footer.length > 0) sections.push(lead(`— ${footer.join(' · ')}`));

  if (sections.length === 0 && marker) sections.push(marker);
  return sanitizeForTerminal(sections.join('\n\n'));
}
