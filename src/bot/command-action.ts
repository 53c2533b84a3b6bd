import { formatLine } from './command-line.js';
import type { Action } from './message.js';

/**
 * A button that runs `verb` with these positional args and options. The line comes from the grammar's own
 * formatter, so an upstream value (a model called `churn --yes`) stays one quoted argument and never becomes a flag.
 */
export function commandAction(
  label: string,
  verb: string,
  args: readonly unknown[] = [],
  options: Readonly<Record<string, unknown>> = {},
  style?: 'primary' | 'danger',
): Action {
  const command = formatLine(verb, args, options);
  return style ? { kind: 'command', label, command, style } : { kind: 'command', label, command };
}
