import type { Message } from '../bot/message.js';

// Embeddings, overrides and isolates reorder what a reader sees without changing the text (Trojan Source): a log
// line or a model name could show `retry prod` while holding other characters. They are shown as their code instead.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export function showBidiControls(s: string): string {
  return s.replace(BIDI_CONTROLS, (c) => `[U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}]`);
}

/**
 * Every visible string of a message with bidi controls made visible. A button's command line is left as it is: it is
 * not shown, and the core checks that it reads back as the values it was built from.
 */
export function withBidiControlsShown(m: Message): Message {
  const s = showBidiControls;
  return {
    ...m,
    title: m.title === undefined ? undefined : s(m.title),
    text: m.text === undefined ? undefined : s(m.text),
    footer: m.footer === undefined ? undefined : s(m.footer),
    fields: m.fields?.map((f) => ({ ...f, label: s(f.label), value: s(f.value) })),
    code: m.code ? { ...m.code, body: s(m.code.body) } : undefined,
    actions: m.actions?.map((a) => ({ ...a, label: s(a.label) })),
  };
}
