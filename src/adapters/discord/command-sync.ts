import { type REST, Routes } from 'discord.js';

export interface CommandTarget {
  applicationId: string;
  /** Guild commands appear at once; global ones can take up to an hour to propagate. */
  guildId?: string;
}

type Node = Record<string, unknown>;

/** The fields Discord echoes back that we also send; ids, versions and defaults are left out so both sides compare. */
function canonical(node: Node): Node {
  const out: Node = { name: node.name, description: node.description ?? '', type: node.type ?? 1 };
  if (node.required) out.required = true;
  if (node.autocomplete) out.autocomplete = true;
  for (const k of ['choices', 'min_value', 'max_value', 'min_length', 'max_length', 'channel_types']) {
    if (node[k] !== undefined && !(Array.isArray(node[k]) && (node[k] as unknown[]).length === 0)) out[k] = node[k];
  }
  const options = (node.options as Node[] | undefined) ?? [];
  if (options.length) out.options = options.map(canonical);
  return out;
}

export function sameCommands(a: readonly unknown[], b: readonly unknown[]): boolean {
  const key = (list: readonly unknown[]) =>
    JSON.stringify(list.map((c) => canonical(c as Node)).sort((x, y) => String(x.name).localeCompare(String(y.name))));
  return key(a) === key(b);
}

export function asCommandList(json: unknown): unknown[] {
  return Array.isArray(json) ? json : [json];
}

/** Registers the commands only when they differ from what Discord has, so restarts do not burn the daily quota. */
export async function syncCommands(deps: {
  rest: REST;
  target: CommandTarget;
  commands: readonly unknown[];
}): Promise<'unchanged' | 'registered'> {
  const { applicationId, guildId } = deps.target;
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const current = (await deps.rest.get(route)) as unknown[];
  if (sameCommands(current, deps.commands)) return 'unchanged';
  await deps.rest.put(route, { body: deps.commands });
  return 'registered';
}
