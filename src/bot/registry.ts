import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import type { CommandSpec, Permission } from './command.js';
import { optionsShape, usageLine } from './command-line.js';
import { code, type Message } from './message.js';

export const VERB = /^[a-z0-9-]{1,32}$/;
const OPTION = /^[a-z0-9_-]{1,32}$/;
const DISCORD_TYPES: Record<string, number> = { string: 3, integer: 4, boolean: 5, number: 10 };
const AUTOCOMPLETE = new Set(['dag', 'run_id', 'experiment', 'metric', 'model', 'service']);
const MAX = 25;

export class RegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid command declarations:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RegistryError';
  }
}

export interface DiscordOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  options?: DiscordOption[];
}

export interface DiscordCommand {
  name: string;
  description: string;
  type: 1;
  options: DiscordOption[];
}

/** `Svc`: the services the verbs expect in their context (see CommandContext); the core must be given the same. */
export interface Registry<Svc = unknown> {
  readonly commands: readonly CommandSpec<z.ZodObject, Svc>[];
  lookup(verb: string): CommandSpec<z.ZodObject, Svc> | undefined;
  /** The closest visible verb, when it is close enough to be a likely typo. */
  suggest(verb: string): string | undefined;
  usage(verb: string): string | undefined;
  help(can: (p: Permission) => boolean, verb?: string): Message;
  toDiscordCommand(): DiscordCommand;
  /** The Markdown table of verbs for docs/verbs.md. */
  verbsTable(): string;
}

function check(commands: readonly CommandSpec[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visible = commands.filter((c) => !c.hidden);
  if (visible.length > MAX)
    problems.push(`${visible.length} verbs: Discord allows ${MAX} subcommands; add a second top-level command`);
  for (const c of commands) {
    if (seen.has(c.name)) problems.push(`${c.name}: declared twice`);
    seen.add(c.name);
    if (!VERB.test(c.name)) problems.push(`${c.name}: a verb must match ${VERB}`);
    if (!c.summary || c.summary.length > 100) problems.push(`${c.name}: summary must be 1–100 characters`);
    let shape: ReturnType<typeof optionsShape>;
    try {
      shape = optionsShape(c.options);
    } catch (err) {
      problems.push(`${c.name}: options cannot be described as JSON schema (${(err as Error).message})`);
      continue;
    }
    const names = Object.keys(shape.properties);
    if (names.length > MAX) problems.push(`${c.name}: ${names.length} options; Discord allows ${MAX}`);
    for (const a of c.args ?? []) if (!names.includes(a)) problems.push(`${c.name}: arg '${a}' is not in the schema`);
    const args = c.args ?? [];
    const firstOptional = args.findIndex((a) => !shape.required.includes(a));
    if (firstOptional >= 0 && args.slice(firstOptional).some((a) => shape.required.includes(a)))
      problems.push(`${c.name}: a required arg follows an optional one`);
    for (const [name, p] of Object.entries(shape.properties)) {
      if (name === 'yes') problems.push(`${c.name}: option 'yes' is reserved for confirmations`);
      if (!OPTION.test(name)) problems.push(`${c.name}: option '${name}' must match ${OPTION}`);
      if (!p.description) problems.push(`${c.name}: option '${name}' has no .describe()`);
      else if (p.description.length > 100) problems.push(`${c.name}: option '${name}' description over 100 characters`);
      if (!p.type || !(p.type in DISCORD_TYPES))
        problems.push(`${c.name}: option '${name}' has an unsupported type (${p.type ?? 'unknown'})`);
    }
  }
  return problems;
}

function permissionCell(c: CommandSpec): string {
  return c.readsLogs ? `\`MLOPS_LOG_ROLE\` (default ${c.permission})` : c.permission;
}

function toDiscordOption(spec: CommandSpec, name: string): DiscordOption {
  const { properties, required } = optionsShape(spec.options);
  const p = properties[name] ?? {};
  const o: DiscordOption = {
    type: DISCORD_TYPES[p.type ?? 'string'] ?? 3,
    name,
    description: p.description ?? name,
    required: required.includes(name),
  };
  if (p.enum) o.choices = p.enum.map((v) => ({ name: String(v), value: v as string | number }));
  else if (AUTOCOMPLETE.has(name)) o.autocomplete = true;
  if ((p.type === 'integer' || p.type === 'number') && p.minimum !== undefined && Number.isSafeInteger(p.minimum))
    o.min_value = p.minimum;
  if ((p.type === 'integer' || p.type === 'number') && p.maximum !== undefined && Number.isSafeInteger(p.maximum))
    o.max_value = p.maximum;
  return o;
}

export interface RegistryOptions {
  /** MLOPS_LOG_ROLE: the permission of every verb that `readsLogs`, in place of its declared default. */
  logRole?: Permission;
}

export function createRegistry<Svc = unknown>(
  declared: readonly CommandSpec<z.ZodObject, Svc>[],
  opts: RegistryOptions = {},
): Registry<Svc> {
  const problems = check(declared);
  if (problems.length) throw new RegistryError(problems);
  const { logRole } = opts;
  const commands = declared.map((c) => (c.readsLogs && logRole ? { ...c, permission: logRole } : c));
  const byName = new Map(commands.map((c) => [c.name, c]));
  const visible = commands.filter((c) => !c.hidden);

  const lookup = (verb: string) => byName.get(verb.toLowerCase());

  return {
    commands,
    lookup,
    suggest(verb) {
      const names = visible.map((c) => c.name);
      if (!verb || names.length === 0) return undefined;
      const best = closest(verb.toLowerCase(), names);
      return distance(verb.toLowerCase(), best) <= Math.max(2, Math.floor(best.length / 2)) ? best : undefined;
    },
    usage(verb) {
      const spec = lookup(verb);
      return spec ? usageLine(spec) : undefined;
    },
    help(can, verb) {
      if (verb) {
        const spec = lookup(verb);
        if (!spec || spec.hidden) return { tone: 'warning', text: `No command ${code(verb)}. Try \`help\`.` };
        const { properties } = optionsShape(spec.options);
        return {
          title: spec.name,
          text: `${spec.summary}\n\`${usageLine(spec)}\``,
          fields: Object.entries(properties).map(([name, p]) => ({ label: name, value: p.description ?? '' })),
          footer: can(spec.permission) ? undefined : `Needs the ${spec.permission} role.`,
        };
      }
      const allowed = visible.filter((c) => can(c.permission));
      return {
        title: 'Commands',
        text: allowed.map((c) => `\`${usageLine(c)}\` — ${c.summary}`).join('\n'),
        footer: 'help <verb> for options',
      };
    },
    toDiscordCommand() {
      return {
        name: 'mlops',
        description: 'Run and watch Airflow, MLflow and Docker',
        type: 1,
        options: visible.map((spec) => {
          const { properties } = optionsShape(spec.options);
          const args = spec.args ?? [];
          const rest = Object.keys(properties).filter((n) => !args.includes(n));
          const all = [...args, ...rest].map((n) => toDiscordOption(spec, n));
          // Discord wants every required option before the optional ones.
          const ordered = [...all.filter((o) => o.required), ...all.filter((o) => !o.required)];
          return { type: 1, name: spec.name, description: spec.summary, options: ordered };
        }),
      };
    },
    verbsTable() {
      const rows = visible.map(
        (c) =>
          `| \`${c.name}\` | \`${usageLine(c).replace(/\|/g, '\\|')}\` | ${permissionCell(c)}${c.confirm ? ' ✓' : ''} | ${c.summary} |`,
      );
      return ['| verb | usage | permission | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
    },
  };
}
