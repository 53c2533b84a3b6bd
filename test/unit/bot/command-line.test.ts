import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../src/bot/command.js';
import {
  bind,
  decodeSlackText,
  formatLine,
  splitVerb,
  tokenize,
  usageLine,
  validate,
} from '../../../src/bot/command-line.js';
import type { BotError } from '../../../src/bot/errors.js';
import { createRegistry } from '../../../src/bot/registry.js';
import { commandSet } from '../../../src/commands/index.js';
import { prng } from '../../support/prng.js';

const spec = defineCommand({
  name: 'logs',
  summary: 'test',
  permission: 'read',
  args: ['dag', 'run_id', 'task'],
  options: z.object({
    dag: z.string().describe('d'),
    run_id: z.string().describe('r'),
    task: z.string().optional().describe('t'),
    lines: z.number().int().default(100).describe('n'),
    ratio: z.number().optional().describe('x'),
    min: z.boolean().default(false).describe('b'),
    conf: z.string().optional().describe('c'),
  }),
  async handler() {
    return {};
  },
});

const values = (line: string) => tokenize(line).map((t) => t.value);
const bound = (line: string) => bind(tokenize(line), spec);
function err(fn: () => unknown): BotError {
  try {
    fn();
  } catch (e) {
    return e as BotError;
  }
  throw new Error('expected a throw');
}

describe('tokenize', () => {
  it('splits on whitespace and groups straight quotes', () => {
    expect(values(`trigger  train_model conf='{"lr": 0.01}'  "a b"`)).toEqual([
      'trigger',
      'train_model',
      'conf={"lr": 0.01}',
      'a b',
    ]);
  });

  it('groups typographic quotes that chat clients substitute', () => {
    expect(values('note=“hello world” x=‘a b’')).toEqual(['note=hello world', 'x=a b']);
  });

  it('honours backslash escapes outside quotes and inside double quotes', () => {
    expect(values('a\\ b "c\\"d" \'e\\f\'')).toEqual(['a b', 'c"d', 'e\\f']);
  });

  it('takes bare JSON after key= as one value, spaces and quotes included', () => {
    expect(values('trigger d conf={"lr": 0.01, "name": "a b"} --x')).toEqual([
      'trigger',
      'd',
      'conf={"lr": 0.01, "name": "a b"}',
      '--x',
    ]);
  });

  it('keeps unicode intact', () => {
    expect(values('dags 模型 ünïcødé 🚀')).toEqual(['dags', '模型', 'ünïcødé', '🚀']);
  });

  it('says where an unclosed quote starts', () => {
    const e = err(() => tokenize('trigger dag conf="{oops'));
    expect(e.code).toBe('OPTIONS_INVALID');
    expect(e.userMessage).toMatch(/character 18 is never closed/);
  });
});

describe('decodeSlackText', () => {
  it('decodes entities and channel references', () => {
    expect(decodeSlackText('trigger x conf=&lt;a&gt; &amp; <#C123|general> <https://x.io|x>')).toBe(
      'trigger x conf=<a> & C123 https://x.io',
    );
  });
});

describe('bind', () => {
  it('fills positional args in order and reads key=value, --key value, --key=value and bare flags', () => {
    const b = bound('train manual__1 fit lines=80 --ratio 0.5 --conf={"a":1} --min');
    expect(b.raw).toEqual({
      dag: 'train',
      run_id: 'manual__1',
      task: 'fit',
      lines: 80,
      ratio: 0.5,
      conf: '{"a":1}',
      min: true,
    });
    expect(b.yes).toBe(false);
  });

  it('maps --kebab-case to snake_case option names', () => {
    expect(bound('d --run-id r1').raw).toEqual({ dag: 'd', run_id: 'r1' });
  });

  it('reads --yes as the confirmation flag, not an option', () => {
    expect(bound('d r --yes').yes).toBe(true);
  });

  it('accepts an explicit false after a boolean flag', () => {
    expect(bound('d r --min false').raw.min).toBe(false);
    expect(bound('d r min=false').raw.min).toBe(false);
  });

  it('treats a fully quoted value with = or -- as a positional value', () => {
    expect(bound('"a=b" "--x"').raw).toEqual({ dag: 'a=b', run_id: '--x' });
  });

  it('lists unknown options with the usage line', () => {
    const e = err(() => bound('d r --colour red shape=square'));
    expect(e.code).toBe('OPTIONS_INVALID');
    expect(e.userMessage).toMatch(/Unknown options `--colour`, `shape`/);
    expect(e.userMessage).toContain('Usage: `logs <dag> <run_id> [task]');
  });

  it('rejects surplus positional tokens', () => {
    expect(err(() => bound('d r t extra')).userMessage).toMatch(/Too many arguments: `extra`/);
  });

  it('rejects a repeated option', () => {
    expect(err(() => bound('d r lines=1 --lines 2')).userMessage).toMatch(/`lines` is given more than once/);
  });

  it('rejects a non-number for an integer option', () => {
    expect(err(() => bound('d r lines=many')).userMessage).toMatch(/`lines` must be a whole number, not `many`/);
  });

  it('never turns "false" into true for booleans', () => {
    expect(err(() => bound('d r min=maybe')).userMessage).toMatch(/true or false/);
  });
});

describe('validate', () => {
  it('names missing positional args with the usage line', () => {
    const e = err(() => validate(spec, bound('d')));
    expect(e.userMessage).toMatch(/^Missing <run_id>\.\nUsage:/);
  });

  it('applies schema defaults', () => {
    expect(validate(spec, bound('d r'))).toMatchObject({ lines: 100, min: false });
  });
});

describe('usageLine', () => {
  it('is built from args and schema', () => {
    expect(usageLine(spec)).toBe('logs <dag> <run_id> [task] [--lines <n>] [--ratio <n>] [--min] [--conf <string>]');
  });
});

describe('formatLine round-trip', () => {
  const examples: [unknown[], Record<string, unknown>][] = [
    [['train_model', 'manual__2026-11-26T09:00:00+00:00', 'train'], { lines: 80 }],
    [['a b', "it's", 'say "hi"'], { conf: '{"lr": 0.01}' }],
    [['a=b', '--dash', ''], { min: true, ratio: -1.5 }],
    [['模型', 'ünï 🚀', 'back\\slash'], { conf: '“curly” ‘quotes’' }],
    [['x', 'y'], { min: false }],
  ];
  it.each(examples)('tokenize(formatLine(%j, %j)) binds back to the same values', (args, options) => {
    const line = formatLine('logs', args, options);
    const b = bind(tokenize(line).slice(1), spec);
    expect(b.raw).toEqual({ dag: args[0], run_id: args[1], task: args[2], ...options });
  });

  it('adds --yes for confirm buttons', () => {
    expect(formatLine('retry', ['d', 'r'], {}, { yes: true })).toBe('retry d r --yes');
  });
});

describe('formatLine with values an upstream chose', () => {
  const hostile = [
    'churn --yes',
    '--yes',
    '--x=y',
    'key=value',
    '-1',
    '-',
    'a b',
    '"',
    "'",
    '“typographic”',
    '‘single’',
    '„low“',
    '‚low’',
    `it's "both"`,
    '`tick`',
    'trailing\\',
    '\\',
    'a\\"b',
    'line\nbreak',
    'tab\there',
    '\u00a0nbsp',
    'para\u2028sep',
    'モデル',
    '🚀 emoji',
    '',
    ' ',
    'x'.repeat(5000),
    '{"a": 1}',
    '{x',
    '[y',
    'a=[b',
    '<@U123>',
    '&amp;',
  ];

  it.each(hostile.map((h) => [JSON.stringify(h).slice(0, 30), h]))('keeps %s one argument and one value', (_n, h) => {
    const line = formatLine('logs', [h, h, h], { conf: h });

    expect(bind(tokenize(line).slice(1), spec).raw).toEqual({ dag: h, run_id: h, task: h, conf: h });
  });

  it('quotes a value that starts like bare JSON, so a later bracket does not pull the next values into it', () => {
    const line = formatLine('logs', ['{x', 'y}'], { conf: 'a=[b' });

    expect(bind(tokenize(line).slice(1), spec).raw).toEqual({ dag: '{x', run_id: 'y}', conf: 'a=[b' });
  });

  it('round-trips 5,000 random values made of quotes, dashes, brackets and separators', () => {
    const atoms = [
      ' ',
      '"',
      "'",
      '“',
      '”',
      '„',
      '‘',
      '’',
      '‚',
      '`',
      '\\',
      '\n',
      '\t',
      '\u00a0',
      '--',
      '-',
      '=',
      'yes',
      '{',
      '}',
      '[',
      ']',
      ':',
      'a',
      'é',
      '🚀',
      '\ud800',
      '<',
      '>',
      '#',
    ];
    const rand = prng(20261205);
    const pick = (): string =>
      Array.from({ length: Math.floor(rand() * 7) }, () => atoms[Math.floor(rand() * atoms.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const [dag, run, task, conf] = [pick(), pick(), pick(), pick()];
      const line = formatLine('logs', [dag, run, task], { conf });
      expect(bind(tokenize(line).slice(1), spec).raw, line).toEqual({ dag, run_id: run, task, conf });
    }
  });
});

describe('the architecture examples round-trip through the real specs', () => {
  const registry = createRegistry(commandSet);
  it.each([
    `trigger train_model conf='{"lr": 0.01}'`,
    'trigger train_model epochs=3 note="two words" --run-id chatops__1',
    'logs train_model manual__2026-11-26T09:00:00+00:00 train --lines 80',
    'restart mlflow --yes',
    'best churn accuracy --min --limit 3',
    'promote churn 3 --alias champion',
  ])('%s', (line) => {
    const { verb, rest } = splitVerb(line);
    const spec = registry.lookup(verb);
    if (!spec) throw new Error(`no verb ${verb}`);
    const first = bind(rest, spec);
    const args = (spec.args ?? []).filter((a) => first.raw[a] !== undefined);
    const options = Object.fromEntries(
      Object.entries({ ...first.raw, ...first.extra }).filter(([k]) => !args.includes(k)),
    );
    const again = formatLine(
      verb,
      args.map((a) => first.raw[a]),
      options,
      { yes: first.yes },
    );
    const second = splitVerb(again);
    expect(bind(second.rest, spec)).toEqual(first);
  });
});
