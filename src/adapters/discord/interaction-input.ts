import type { CommandInteractionOption } from 'discord.js';

export type OptionValue = string | number | boolean;

/** `/mlops <verb> a:1 b:x` as the core's structured input: the subcommand and its option values by name. */
export function structuredInput(data: readonly CommandInteractionOption[]): {
  verb: string;
  options: Record<string, OptionValue>;
  focused?: { name: string; value: string };
} {
  const sub = data[0];
  const options: Record<string, OptionValue> = {};
  let focused: { name: string; value: string } | undefined;
  for (const o of sub?.options ?? []) {
    if (o.value === undefined || o.value === null) continue;
    if (o.focused) focused = { name: o.name, value: String(o.value) };
    else options[o.name] = o.value;
  }
  return { verb: sub?.name ?? '', options, focused };
}
