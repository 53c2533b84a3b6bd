export type Tone = 'info' | 'success' | 'warning' | 'error';

export type Action =
  | { kind: 'command'; label: string; command: string; style?: 'primary' | 'danger' } // a click runs `command`
  | { kind: 'link'; label: string; url: string };

export interface Field {
  label: string;
  value: string;
  inline?: boolean;
}

/** One platform-neutral reply; renderers turn it into Block Kit, Discord embeds or plain text. */
export interface Message {
  title?: string;
  tone?: Tone; // Slack: emoji prefix; Discord: embed colour
  text?: string; // Markdown subset: **bold**, _italic_, `code`, [label](url)
  fields?: readonly Field[];
  code?: { body: string; lang?: string }; // logs, tracebacks: renderers truncate, handlers never do
  actions?: readonly Action[];
  footer?: string;
  timestamp?: Date;
}

const MARKUP = /[*_`~[\]()<>|\\]/g;

/** Escapes upstream text so it is shown as data, never as markup. */
export function esc(value: string): string {
  return value.replace(MARKUP, (c) => `\\${c}`);
}
