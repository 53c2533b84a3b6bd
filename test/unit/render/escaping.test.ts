import { describe, expect, it } from 'vitest';
import { code, esc, type Message } from '../../../src/bot/message.js';
import { toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { escapeDiscordData, escapeDiscordInline, toDiscordMarkdown } from '../../../src/render/discord-markdown.js';
import { parseInline } from '../../../src/render/markdown.js';
import { mrkdwnData, mrkdwnField, toMrkdwn } from '../../../src/render/mrkdwn.js';
import { toPlainText } from '../../../src/render/plain-text.js';
import { failureCard } from '../../../src/scheduler/cards/airflow-cards.js';
import { fakeRun, fakeTask } from '../../fakes/fake-airflow.js';
import { fakeCustomIds } from './limit-violations.js';
import { discordMarkup, slackMarkup, terminalControls } from './markup-detectors.js';

/** The log line from the security review: bold and a fake sign-in link in an auto-posted card. */
const PHISH = 'ValueError: x` **Action needed:** [re-authenticate](https://evil/sso) `';

const HOSTILE = [
  PHISH,
  '@everyone @here @channel <!channel> <!here> <!everyone>',
  '<@U123> <#C123|general> <@&42> <!subteam^S1>',
  '[click](http://evil.test) <http://evil.test|click>',
  '# heading\n## two\n-# subtext\n> quote\n>>> block\n- list\n* star\n+ plus\n1. one\n2) two',
  '*bold* **bold** _it_ __under__ ~strike~ ~~strike~~ ||spoiler|| `code` ```block```',
  '＊bold＊ ＿it＿ ～s～ ｀c｀ ＞ quote',
  'trailing backslash \\',
  '\\*escaped\\* \\[x\\](y)',
  'a & b &amp; &lt;tag&gt;',
  'x\u200b*bold*\u200by',
  '``````\n``````',
];

function mrkdwnTexts(m: ReturnType<typeof toBlockKit>): string[] {
  return [
    m.text,
    ...m.blocks.flatMap((b) => {
      if (b.type === 'section') return [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)];
      if (b.type === 'context') return b.elements.map((e) => e.text);
      return [];
    }),
  ];
}

const labelled = HOSTILE.map((h) => [JSON.stringify(h).slice(0, 40), h]);

describe('the failure card built from the review log line', () => {
  const run = fakeRun('train_model', 'manual__1', { state: 'failed' });
  const card = failureCard({
    run,
    failedTasks: [fakeTask('train_model', 'manual__1', 'fit')],
    logTail: [PHISH],
    errorLine: PHISH,
    countInWindow: 1,
  });

  it('shows the error line as one code span on Slack: no bold, no link', () => {
    const section = toBlockKit(card).blocks.find((b) => b.type === 'section' && b.text?.text.includes('ValueError'));

    expect(section).toMatchObject({
      text: { text: '`ValueError: xˋ **Action needed:** [re-authenticate](https://evil/sso) ˋ`' },
    });
  });

  it('shows the error line as one code span on Discord: no bold, no link', () => {
    const description = toDiscord(card, fakeCustomIds()).embeds[0]?.description ?? '';

    expect(description.split('\n\n')[0]).toBe(
      '`ValueError: xˋ **Action needed:** [re-authenticate](https://evil/sso) ˋ`',
    );
  });

  it('shows the error line as it is in the terminal', () => {
    expect(toPlainText(card)).toContain(PHISH);
  });
});

describe('code()', () => {
  it('closes its span even when the value ends with a backslash', () => {
    const text = `${code('C:\\runs\\')} then ${code('**bold** [x](http://evil.test)')}`;

    expect(parseInline(text)).toEqual([
      { kind: 'code', text: 'C:\\runs\\' },
      { kind: 'text', text: ' then ' },
      { kind: 'code', text: '**bold** [x](http://evil.test)' },
    ]);
  });

  it('keeps a value with line breaks in one span, so its second line is not parsed as markup', () => {
    expect(toMrkdwn(`x ${code('a\n**b** [c](http://evil.test)')}`)).toBe('x `a⏎**b** [c](http://evil.test)`');
  });

  it('keeps backticks in the value and a look-alike on the platforms that cannot show them in code', () => {
    expect(parseInline(code('a`b'))).toEqual([{ kind: 'code', text: 'a`b' }]);
    expect(toDiscordMarkdown(code('a``b'))).toBe('`aˋˋb`');
  });
});

describe.each(labelled)('upstream text %s', (_name, h) => {
  it('stays data in Slack text, fields and the notification text', () => {
    expect(slackMarkup(toMrkdwn(esc(h)))).toEqual([]);
    expect(slackMarkup(mrkdwnField(h, h).replace(/^\*|\*(?=\n)/g, ''))).toEqual([]);
    expect(slackMarkup(mrkdwnData(h))).toEqual([]);
  });

  it('stays data in Discord text, titles, field names and values', () => {
    expect(discordMarkup(toDiscordMarkdown(esc(h)), { lineStarts: true })).toEqual([]);
    expect(discordMarkup(escapeDiscordData(h), { lineStarts: true })).toEqual([]);
    expect(discordMarkup(escapeDiscordInline(h), { lineStarts: false })).toEqual([]);
  });

  it('stays data in every part of a rendered message on each platform', () => {
    const m: Message = {
      title: h,
      text: `${esc(h)} ${code(h)}`,
      fields: [{ label: h, value: h }],
      code: { body: h },
      footer: esc(h),
    };

    const slack = toBlockKit(m);
    const discord = toDiscord(m, fakeCustomIds()).embeds[0];
    const fences = (s: string) => s.split('```').length - 1;
    // Headers and buttons are plain_text; everything Slack parses is mrkdwn.
    expect(mrkdwnTexts(slack).join('\n')).not.toMatch(/<[@#!]|<http/);
    expect(
      slack.blocks
        .filter((b) => b.type === 'section' && b.text?.text.startsWith('```'))
        .map((b) => b.type === 'section' && fences(b.text?.text ?? '')),
    ).toEqual([2]);
    expect(discordMarkup(discord?.title ?? '', { lineStarts: false })).toEqual([]);
    expect(fences(discord?.description ?? '')).toBe(2);
    expect(terminalControls(toPlainText(m))).toEqual([]);
  });
});

describe('broadcasts and mentions', () => {
  it('cannot ping on Slack: entities for <, a zero-width space inside @here, @channel and @everyone', () => {
    expect(mrkdwnData('@here <@U1> <!channel> @Everyone')).toBe(
      '@\u200bhere &lt;@U1&gt; &lt;!channel&gt; @\u200bEveryone',
    );
  });

  it('cannot ping on Discord: escaped < and a zero-width space inside @everyone and @here', () => {
    expect(escapeDiscordData('@everyone <@123> <@&42> <#9> @here')).toBe(
      '@\u200beveryone \\<@123> \\<@&42> \\<#9> @\u200bhere',
    );
  });
});

describe('line-start markup from data', () => {
  it('is neutral on Discord: headings, subtext, quotes and lists get a backslash', () => {
    expect(escapeDiscordData('# h\n-# sub\n> q\n- a\n+ b\n12. c\n3) d')).toBe(
      '\\# h\n\\-# sub\n\\> q\n\\- a\n\\+ b\n12\\. c\n3\\) d',
    );
  });

  it('is neutral on Slack: a quote mark at a line start gets a soft hyphen before it', () => {
    expect(mrkdwnData('> q\n  ＞ q2 > not a quote')).toBe('\u00ad&gt; q\n  \u00ad＞ q2 &gt; not a quote');
  });
});

describe('Slack look-alikes', () => {
  it('leave snake_case and run ids alone, so they can still be copied', () => {
    expect(mrkdwnData('train_model_v2 manual__2026-03-14T09:26:53+00:00')).toBe(
      'train_model_v2 manual__2026-03-14T09:26:53+00:00',
    );
  });

  it('replace the characters of a span that could format', () => {
    expect(mrkdwnData('*bold* _it_ ~s~ __init__ `c`')).toBe('∗bold∗ ˍitˍ ∼s∼ ˍˍinitˍˍ ˋcˋ');
  });

  it('keep the bot’s own emphasis working next to data', () => {
    expect(toMrkdwn(`**Run** ${esc('*x*')} _done_`)).toBe('*Run* ∗x∗ _done_');
  });
});

describe('Discord titles and footers', () => {
  it('escape a title, which Discord renders as markdown', () => {
    expect(toDiscord({ title: '*x* <@1> [a](b)' }, fakeCustomIds()).embeds[0]?.title).toBe('\\*x\\* \\<@1> \\[a\\](b)');
  });

  it('show a footer as plain text, which Discord does not render as markdown', () => {
    expect(toDiscord({ footer: `by ${esc('a_b*c')} **now**` }, fakeCustomIds()).embeds[0]?.footer?.text).toBe(
      'by a_b*c now',
    );
  });
});

describe('bidi controls from data', () => {
  // A right-to-left override makes `retry prod` show while the text holds something else (Trojan Source).
  const RLO = '\u202e';
  const hostile: Message = {
    title: `model ${RLO}dorp`,
    text: esc(`run ${RLO}x\u2066y\u2069`),
    fields: [{ label: `tag${RLO}`, value: `v\u202a1\u202c` }],
    code: { body: `log ${RLO}line` },
    footer: `f\u2067oot\u2069`,
    actions: [{ kind: 'link', label: `open ${RLO}`, url: 'https://airflow.example/x' }],
  };
  const controls = /[\u202a-\u202e\u2066-\u2069]/;

  it('are shown as their code point on every platform, never applied', () => {
    const slack = JSON.stringify(toBlockKit(hostile));
    const discord = JSON.stringify(toDiscord(hostile, fakeCustomIds()));
    const terminal = toPlainText(hostile);

    for (const out of [slack, discord, terminal]) {
      expect(out).not.toMatch(controls);
      expect(out).toContain('[U+202E]');
    }
    expect(terminal).toContain('[U+2066]');
  });
});
