import { describe, expect, it } from 'vitest';
import { commandAction } from '../../../src/bot/command-action.js';
import { code, esc, type Message } from '../../../src/bot/message.js';
import { type BlockKitMessage, toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { toPlainText } from '../../../src/render/plain-text.js';
import { prng } from '../../support/prng.js';
import { discordViolations, fakeCustomIds, slackViolations } from './limit-violations.js';
import { discordMarkup, slackMarkup, terminalControls } from './markup-detectors.js';

/** Pieces of markup and mentions on every platform, and the characters that break escaping. */
const ATOMS = [
  '*',
  '**',
  '_',
  '__',
  '~',
  '~~',
  '`',
  '```',
  '||',
  '\\',
  '[x](http://evil.test)',
  '](',
  '[',
  ')',
  '<@U123>',
  '<!channel>',
  '<!here>',
  '<#C1|general>',
  '<@&42>',
  '<http://evil.test|sso>',
  '<t:1:R>',
  '@everyone',
  '@here',
  '@channel',
  '# ',
  '## ',
  '-# ',
  '> ',
  '>>> ',
  '- ',
  '* ',
  '1. ',
  '+ ',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '&',
  '&amp;',
  '&lt;',
  '<',
  '>',
  '\x1b[2J',
  '\x07',
  '\u0085',
  '\u200b',
  '\u00ad',
  '＊',
  '＿',
  '｀',
  '～',
  '＞',
  '🚀',
  '모델',
  'é',
  '\ud800',
  'word',
  'snake_case',
  'manual__2026',
  ':smile:',
  'http://evil.test/sso',
];

function hostileText(rand: () => number, maxAtoms: number): string {
  const n = Math.floor(rand() * maxAtoms);
  let s = '';
  for (let i = 0; i < n; i++) s += ATOMS[Math.floor(rand() * ATOMS.length)];
  // Now and then one very long value, as logs and names sometimes are.
  if (rand() < 0.001) s += 'x'.repeat(Math.floor(rand() * 10_000));
  return s;
}

function hostileMessage(rand: () => number): Message {
  const t = (max = 12) => hostileText(rand, max);
  return {
    title: t(),
    tone: (['info', 'success', 'warning', 'error'] as const)[Math.floor(rand() * 4)],
    text: `${esc(t(40))} ${code(t())}\n${esc(t())}`,
    // Up to 30 fields: past Discord's 25 and Slack's 10 per section.
    fields: Array.from({ length: Math.floor(rand() * 31) }, () => ({
      label: t(4),
      value: t(10),
      inline: rand() < 0.5,
    })),
    code: rand() < 0.7 ? { body: t(80), lang: rand() < 0.5 ? 'text' : t(2) } : undefined,
    actions: Array.from({ length: Math.floor(rand() * 8) }, () =>
      rand() < 0.8
        ? commandAction(t(4) || 'x', 'model', [t(8)], rand() < 0.5 ? { alias: t(4) } : {})
        : { kind: 'link' as const, label: t(4), url: `http://127.0.0.1/${t(4)}` },
    ),
    footer: rand() < 0.7 ? esc(t(20)) : undefined,
  };
}

const TONE_LEAD = /^:(information_source|white_check_mark|warning|x): ?/;

/** Every text Slack parses as mrkdwn, with the renderer's own markup (tone emoji, field labels, fences) taken off. */
function slackDataTexts(m: BlockKitMessage): string[] {
  const out = [m.text];
  for (const b of m.blocks) {
    if (b.type === 'section' && b.text && !b.text.text.startsWith('```')) out.push(b.text.text.replace(TONE_LEAD, ''));
    for (const f of b.type === 'section' ? (b.fields ?? []) : []) {
      const [label = '', ...rest] = f.text.split('\n');
      // The label sits after the renderer's opening `*`, not at a line start: a middle dot stands in for it.
      out.push(`·${label.slice(1, -1)}\n${rest.join('\n')}`);
    }
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text).filter((e) => !e.startsWith('… and')));
  }
  return out;
}

/** The parts of the section text outside the renderer's inline code spans (which Slack shows literally). */
const outsideCode = (s: string): string => s.replace(/`[^`\n]*`/g, ' ');

/** Everything wrong with one message's three renderings, as readable lines. */
function problemsOf(m: Message): string[] {
  const problems: string[] = [];
  const slack = toBlockKit(m);
  problems.push(...slackViolations(slack));
  for (const text of slackDataTexts(slack)) problems.push(...slackMarkup(outsideCode(text)).map((p) => `slack: ${p}`));
  for (const b of slack.blocks)
    if (b.type === 'section' && b.text?.text.startsWith('```') && b.text.text.split('```').length !== 3)
      problems.push('slack: the code block closes early');

  const discord = toDiscord(m, fakeCustomIds());
  problems.push(...discordViolations(discord));
  const embed = discord.embeds[0];
  const description = embed?.description ?? '';
  const fence = m.code ? description.indexOf('```') : -1;
  const text = fence < 0 ? description : description.slice(0, fence);
  problems.push(...discordMarkup(embed?.title ?? '', { lineStarts: false }).map((p) => `discord title: ${p}`));
  problems.push(...discordMarkup(text, { lineStarts: true }).map((p) => `discord text: ${p}`));
  if (fence >= 0 && description.slice(fence).split('```').length !== 3)
    problems.push('discord: the code block closes early');
  for (const f of embed?.fields ?? []) {
    problems.push(...discordMarkup(f.name, { lineStarts: false }).map((p) => `discord field name: ${p}`));
    problems.push(...discordMarkup(f.value, { lineStarts: true }).map((p) => `discord field value: ${p}`));
  }

  problems.push(...terminalControls(toPlainText(m)).map((p) => `terminal: ${p}`));
  return problems;
}

describe('every renderer under 5,000 hostile messages', () => {
  it('stays within platform limits, lets no upstream text become markup or a mention, and never throws', () => {
    // Given 5,000 messages of hostile upstream text in every part (seeded, so a failure names its message)
    const rand = prng(20261206);
    const started = performance.now();
    const failures: string[] = [];

    // When each is rendered for Slack, Discord and the terminal
    for (let i = 0; i < 5000; i++) {
      const problems = problemsOf(hostileMessage(rand));
      if (problems.length > 0) failures.push(`message ${i}: ${problems.join('; ')}`);
    }

    // Then none breaks a limit or lets markup through, and the work stays linear: a few seconds on a loaded machine,
    // where the quadratic parser this replaced took minutes on such input.
    expect(failures.slice(0, 5)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
