import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/bot/message.js';
import { toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { DISCORD, SLACK } from '../../../src/render/limits.js';
import { asLine, messages } from '../../fixtures/messages.js';
import { discordViolations, fakeCustomIds, slackViolations } from './limit-violations.js';

const long = (n: number, unit = 'x'): string => unit.repeat(n);

/** Messages built to break every limit at once. */
const huge: Record<string, Message> = {
  everythingTooLong: {
    title: long(5000, 'T'),
    tone: 'error',
    text: long(50_000, 'word '),
    fields: Array.from({ length: 200 }, (_, i) => ({ label: `${i} ${long(400, 'L')}`, value: long(5000, 'v') })),
    code: { body: Array.from({ length: 5000 }, (_, i) => `log line ${i} ${long(60, '.')}`).join('\n') },
    actions: Array.from({ length: 300 }, (_, i) => ({
      kind: 'command' as const,
      label: `Action ${i} ${long(100, 'a')}`,
      command: asLine(`trigger dag_${i} ${long(150, 'c')}`),
    })),
    footer: long(10_000, 'f'),
    timestamp: new Date('2026-03-14T09:26:53Z'),
  },
  oneEndlessLogLine: { code: { body: long(100_000, 'z') } },
  manyShortFields: { fields: Array.from({ length: 1000 }, (_, i) => ({ label: `k${i}`, value: `v${i}` })) },
  tooLongForAButton: {
    actions: [
      { kind: 'command', label: 'Run', command: asLine(long(3000, 'c')) },
      { kind: 'link', label: 'Open', url: `http://127.0.0.1/${long(4000, 'u')}` },
      { kind: 'command', label: 'Same', command: asLine('status a') },
      { kind: 'command', label: 'Same again', command: asLine('status a') },
    ],
  },
  emptyMessage: {},
  toneOnly: { tone: 'warning' },
};

const all = { ...messages, ...huge };

describe.each(Object.entries(all))('the %s message', (_name, message) => {
  it('fits every Slack limit', () => {
    expect(slackViolations(toBlockKit(message))).toEqual([]);
  });

  it('fits every Discord limit', () => {
    expect(discordViolations(toDiscord(message, fakeCustomIds()))).toEqual([]);
  });
});

describe('the renderers on a message that breaks every limit', () => {
  const message = huge.everythingTooLong as Message;

  it('keeps Slack under 50 blocks and says how many fields were left out', () => {
    const { blocks } = toBlockKit(message);
    expect(blocks.length).toBeLessThanOrEqual(SLACK.blocks);
    const context = blocks.find((b) => b.type === 'context');
    expect(JSON.stringify(context)).toMatch(/… and \d+ more fields/);
  });

  it('keeps the end of the log on Slack, where the error is', () => {
    const code = toBlockKit(message).blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('```'));
    const text = code?.type === 'section' ? (code.text?.text ?? '') : '';
    expect(text).toMatch(/^```\n\.\.\. \d+ earlier lines cut\n/);
    expect(text).toContain('log line 4999');
  });

  it('keeps the Discord embed total at 6000 with a field that counts the rest', () => {
    const [embed] = toDiscord(message, fakeCustomIds()).embeds;
    const fields = embed?.fields ?? [];
    expect(fields.length).toBeLessThanOrEqual(DISCORD.fields);
    expect(fields.at(-1)?.value).toMatch(/^… and \d+ more fields$/);
    expect(embed?.description).toContain('log line 4999');
  });

  it('lays Discord buttons out as at most 5 rows of 5 and counts the rest in the footer', () => {
    const out = toDiscord(message, fakeCustomIds());
    expect(out.components.map((r) => r.components.length)).toEqual([5, 5, 5, 5, 5]);
    expect(out.embeds[0]?.footer?.text).toMatch(/… and 275 more actions$/);
  });
});

describe('buttons that cannot fit', () => {
  const message = huge.tooLongForAButton as Message;

  it('are left out on Slack rather than cut into another command', () => {
    const actions = toBlockKit(message).blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(actions.map((a) => a.value)).toEqual(['status a', 'status a']);
    expect(actions.map((a) => a.action_id)).toEqual(['cmd:2', 'cmd:3']);
  });

  it('use a saved ref on Discord when cmd:<line> is over 100, and a repeated line becomes one button', () => {
    const buttons = toDiscord(message, fakeCustomIds()).components.flatMap((r) => r.components);
    expect(buttons.map((b) => ('custom_id' in b ? b.custom_id : b.url))).toEqual(['ref:1', 'cmd:status a']);
  });
});
