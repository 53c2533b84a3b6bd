import { describe, expect, it } from 'vitest';
import { code, esc } from '../../../src/bot/message.js';
import { toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { escapeDiscordData, toDiscordMarkdown } from '../../../src/render/discord-markdown.js';
import { fitRendered, tailLines, trimEndNewlines, truncateText } from '../../../src/render/limits.js';
import { markdownToPlain, parseInline, plainOf } from '../../../src/render/markdown.js';
import { mrkdwnData, toMrkdwn } from '../../../src/render/mrkdwn.js';
import { displayWidth, sanitizeForTerminal, toPlainText } from '../../../src/render/plain-text.js';
import { fakeCustomIds } from './limit-violations.js';

const KB64 = 64 * 1024;
const fill = (unit: string, size = KB64): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/**
 * Inputs that make a scanner or regex do the most work per character: openers with no closer, runs that a
 * backtracking pattern retries from every position, escapes, line starts.
 */
const WORST = {
  'only [': fill('['),
  '[a]( with no )': fill('[a]('),
  'only **': fill('**'),
  '** with one * short': `${fill('**')}*`,
  '_ between spaces': fill('_ '),
  'only backticks': fill('`'),
  backslashes: fill('\\'),
  'escaped openers': fill('\\['),
  'newlines then a letter': `${fill('\n')}x`,
  'spaces then a quote mark': `${fill(' ')}>`,
  'quote marks': fill('>'),
  'line-start marks': fill('\n# '),
  ampersands: fill('&'),
  broadcasts: fill('@here'),
  'full-width marks': fill('＊＿～｀＞'),
  'one long word': fill('x'),
};

/** A budget far above what linear work needs on a loaded machine, and far below what quadratic work takes. */
const BUDGET_MS = 2_000;

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

describe.each(Object.entries(WORST))('64 KB of %s', (_name, input) => {
  it('is parsed by parseInline in linear time, keeping every character', () => {
    let nodes: ReturnType<typeof parseInline> = [];
    const ms = timed(() => {
      nodes = parseInline(input);
    });

    expect(ms).toBeLessThan(BUDGET_MS);
    expect(plainOf(nodes).length).toBeGreaterThan(0);
  });

  it('is rendered as Slack mrkdwn, Discord markdown and plain text in linear time', () => {
    expect(timed(() => toMrkdwn(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => toDiscordMarkdown(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => markdownToPlain(input))).toBeLessThan(BUDGET_MS);
  });

  it('is escaped as data on every platform in linear time', () => {
    expect(timed(() => esc(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => code(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => mrkdwnData(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => escapeDiscordData(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => sanitizeForTerminal(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => displayWidth(input))).toBeLessThan(BUDGET_MS);
  });

  it('is cut to a limit in linear time', () => {
    expect(timed(() => truncateText(input, 3000))).toBeLessThan(BUDGET_MS);
    expect(timed(() => tailLines(input, 3000))).toBeLessThan(BUDGET_MS);
    expect(timed(() => trimEndNewlines(input))).toBeLessThan(BUDGET_MS);
    expect(timed(() => fitRendered(input, 3000, toMrkdwn))).toBeLessThan(BUDGET_MS);
  });

  it('fills every part of a message and still renders on each platform in linear time', () => {
    const m = {
      title: input,
      text: input,
      fields: [{ label: input, value: input }],
      code: { body: input },
      footer: input,
    };

    expect(timed(() => toBlockKit(m))).toBeLessThan(BUDGET_MS);
    expect(timed(() => toDiscord(m, fakeCustomIds()))).toBeLessThan(BUDGET_MS);
    expect(timed(() => toPlainText(m))).toBeLessThan(BUDGET_MS);
  });
});

describe('code blocks', () => {
  it('drop trailing newlines without the quadratic retries of /\\n+$/', () => {
    // Given a log of 100,000 blank lines that ends in text, which /\n+$/ retries from every newline
    const log = `${'\n'.repeat(100_000)}x\n\n`;

    // Then the trim is quick and exact
    let out = '';
    expect(timed(() => (out = trimEndNewlines(log)))).toBeLessThan(BUDGET_MS);
    expect(out).toBe(`${'\n'.repeat(100_000)}x`);
  });
});
