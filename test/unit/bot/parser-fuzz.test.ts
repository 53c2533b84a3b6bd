import { describe, expect, it } from 'vitest';
import { bind, splitVerb, validate } from '../../../src/bot/command-line.js';
import { BotError } from '../../../src/bot/errors.js';
import { createRegistry } from '../../../src/bot/registry.js';
import { coreCommands } from '../../../src/commands/index.js';
import { prng } from '../../support/prng.js';

const PIECES = [
  'trigger',
  'runs',
  'logs',
  'best',
  'dags',
  'promote',
  'help',
  'retry',
  'tirgger',
  '',
  'train_model',
  'manual__2026-11-26T09:00:00+00:00',
  '--limit',
  '--limit=3',
  'limit=x',
  '--min',
  '--yes',
  '--',
  'conf={"a":1}',
  'conf=\'{"a": 1}\'',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '\\',
  '=',
  '==',
  'a=b=c',
  '--=',
  '-1',
  '1e309',
  '模型',
  '🚀',
  'ünï',
  '\u0000',
  '\t',
  '  ',
  'state=failed',
  'state=nope',
  '--state',
  'x'.repeat(300),
  '&amp;',
  '<#C1|x>',
];

describe('the parser under random input', () => {
  it('never throws anything but OPTIONS_INVALID or COMMAND_UNKNOWN over 5,000 random lines', () => {
    const rand = prng(20261126);
    const registry = createRegistry(coreCommands);
    let usageErrors = 0;
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(rand() * 8);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) {
        if (rand() < 0.15) parts.push(String.fromCodePoint(Math.floor(rand() * 0x2ffff)));
        else parts.push(PIECES[Math.floor(rand() * PIECES.length)] as string);
      }
      const line = parts.join(rand() < 0.8 ? ' ' : '');
      try {
        const { verb, rest } = splitVerb(line);
        const spec = registry.lookup(verb);
        if (!spec) continue;
        validate(spec, bind(rest, spec));
      } catch (err) {
        expect(err, `line: ${JSON.stringify(line)}`).toBeInstanceOf(BotError);
        expect(['OPTIONS_INVALID', 'COMMAND_UNKNOWN']).toContain((err as BotError).code);
        expect((err as BotError).userMessage).toBeTruthy();
        usageErrors++;
      }
    }
    expect(usageErrors).toBeGreaterThan(100);
  });
});
