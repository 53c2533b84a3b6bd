export type Tone = 'info' | 'success' | 'warning' | 'error';

declare const commandLineBrand: unique symbol;

/**
 * A command line made by the grammar's formatter (`formatLine`, or `commandAction` for buttons). The brand keeps a
 * line built by string insertion out of a button: `promote ${name} 1` turns a model called `churn --yes` into a flag.
 */
export type CommandLine = string & { readonly [commandLineBrand]: true };

export type Action =
  | { kind: 'command'; label: string; command: CommandLine; style?: 'primary' | 'danger' } // a click runs `command`
  | { kind: 'link'; label: string; url: string };

export interface Field {
  label: string;
  value: string;
  inline?: boolean;
}

/**
 * One platform-neutral reply; renderers turn it into Block Kit, Discord embeds or plain text.
 * `title`, field labels and values and button labels are plain text: renderers show them as they are. `text` and
 * `footer` are the markdown subset, so upstream values go in through `esc()` or `code()`.
 */
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

/**
 * Upstream text as inline code. Backslashes and backticks are escaped, so the span closes where it should even after
 * a trailing backslash (renderers show a backtick inside code as a look-alike); line breaks become ⏎, as the subset
 * is parsed a line at a time.
 */
export function code(value: string): string {
  return `\`${value.replace(/\r\n|[\r\n]/g, '⏎').replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}
