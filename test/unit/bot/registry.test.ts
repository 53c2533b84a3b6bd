import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CommandSpec, defineCommand } from '../../../src/bot/command.js';
import { createRegistry, RegistryError } from '../../../src/bot/registry.js';
import { commandSet, coreCommands } from '../../../src/commands/index.js';

const base: CommandSpec = defineCommand({
  name: 'thing',
  summary: 'Does a thing',
  permission: 'read',
  options: z.object({ name: z.string().describe('A name') }),
  async handler() {
    return {};
  },
});
const ok = (over: Partial<CommandSpec> = {}): CommandSpec => ({ ...base, ...over });

function problems(commands: CommandSpec[]): string[] {
  try {
    createRegistry(commands);
  } catch (err) {
    if (err instanceof RegistryError) return err.problems;
    throw err;
  }
  return [];
}

describe('createRegistry startup checks', () => {
  it('accepts the core command set', () => {
    expect(problems([...coreCommands])).toEqual([]);
  });

  it('rejects duplicate verbs and bad names', () => {
    expect(problems([ok(), ok(), ok({ name: 'Bad_Name' })])).toEqual([
      'thing: declared twice',
      'Bad_Name: a verb must match /^[a-z0-9-]{1,32}$/',
    ]);
  });

  it('rejects undescribed options, args missing from the schema and the reserved yes', () => {
    const p = problems([
      ok({
        options: z.object({ name: z.string(), yes: z.boolean().describe('no') }),
        args: ['name', 'ghost'] as never,
      }),
    ]);
    expect(p).toContain("thing: arg 'ghost' is not in the schema");
    expect(p).toContain("thing: option 'name' has no .describe()");
    expect(p).toContain("thing: option 'yes' is reserved for confirmations");
  });

  it('rejects unsupported zod types', () => {
    const p = problems([ok({ options: z.object({ tags: z.array(z.string()).describe('Tags') }) })]);
    expect(p).toEqual(["thing: option 'tags' has an unsupported type (array)"]);
  });

  it('fails on the 26th verb, pointing at a second top-level command', () => {
    const many = Array.from({ length: 26 }, (_, i) => ok({ name: `verb-${i}` }));
    expect(problems(many)).toEqual(['26 verbs: Discord allows 25 subcommands; add a second top-level command']);
  });
});

describe('registry lookup and help', () => {
  const registry = createRegistry(coreCommands);

  it('suggests the closest verb for a typo', () => {
    expect(registry.suggest('tirgger')).toBe('trigger');
    expect(registry.suggest('modles')).toBe('models');
    expect(registry.suggest('zzzzzzzzzzzz')).toBeUndefined();
  });

  it('lists only the verbs the caller may run', () => {
    const text = registry.help((p) => p === 'read').text ?? '';
    expect(text).toContain('`dags [filter] [--paused]`');
    expect(text).not.toContain('trigger');
    expect(text).not.toContain('audit');
    expect(text).not.toContain('cancel');
    const all = registry.help(() => true).text ?? '';
    expect(all).toContain('`promote <model> <version> [--alias <string>]`');
  });

  it('explains one verb with its options', () => {
    const m = registry.help(() => true, 'logs');
    expect(m.text).toContain('`logs <dag> <run_id> <task> [--try <n>] [--lines <n>]`');
    expect(m.fields?.map((f) => f.label)).toEqual(['dag', 'run_id', 'task', 'try', 'lines']);
  });
});

describe('docs/verbs.md', () => {
  it('is up to date with the declarations (regenerate with node scripts/verbs-table.mjs)', () => {
    const doc = readFileSync(new URL('../../../docs/verbs.md', import.meta.url), 'utf8');
    expect(doc).toContain(createRegistry(commandSet).verbsTable());
  });
});

describe('toDiscordCommand', () => {
  it('matches the golden file', async () => {
    const json = JSON.stringify(createRegistry(commandSet).toDiscordCommand(), null, 2);
    await expect(`${json}\n`).toMatchFileSnapshot('../../fixtures/discord-commands.json');
  });

  it('puts required options first, maps types, choices and autocomplete', () => {
    const cmd = createRegistry(coreCommands).toDiscordCommand();
    const runs = cmd.options.find((o) => o.name === 'runs');
    expect(runs?.options?.map((o) => [o.name, o.type, o.required])).toEqual([
      ['dag', 3, true],
      ['state', 3, false],
      ['limit', 4, false],
    ]);
    expect(runs?.options?.[0]?.autocomplete).toBe(true);
    expect(runs?.options?.[1]?.choices?.map((c) => c.value)).toEqual(['queued', 'running', 'success', 'failed']);
    const best = cmd.options.find((o) => o.name === 'best');
    expect(best?.options?.find((o) => o.name === 'min')?.type).toBe(5);
    expect(cmd.options.some((o) => o.name === 'cancel')).toBe(false);
  });
});
