import { describe, expect, it } from 'vitest';
import { esc } from '../../../src/bot/message.js';
import { toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { toDiscordMarkdown } from '../../../src/render/discord-markdown.js';
import { markdownToPlain } from '../../../src/render/markdown.js';
import { toMrkdwn } from '../../../src/render/mrkdwn.js';
import { toPlainText } from '../../../src/render/plain-text.js';
import { asLine } from '../../fixtures/messages.js';

const sample = '**bold** _italic_ `code` [docs](https://example.org/a_b)';

describe('the markdown subset', () => {
  it('becomes Slack mrkdwn', () => {
    expect(toMrkdwn(sample)).toBe('*bold* _italic_ `code` <https://example.org/a_b|docs>');
  });

  it('stays Discord markdown', () => {
    expect(toDiscordMarkdown(sample)).toBe('**bold** _italic_ `code` [docs](https://example.org/a_b)');
  });

  it('becomes plain text with the link target shown', () => {
    expect(markdownToPlain(sample)).toBe('bold italic code docs (https://example.org/a_b)');
  });

  it('leaves underscores inside identifiers alone', () => {
    expect(markdownToPlain('dag train_model_v2 and _x_')).toBe('dag train_model_v2 and x');
  });
});

describe('escaped upstream data', () => {
  const data = esc('<!channel> **x** [a](http://evil.example) & b');

  it('cannot ping or link on Slack', () => {
    expect(toMrkdwn(data)).toBe('&lt;!channel&gt; ∗∗x∗∗ [a](http://evil.example) &amp; b');
  });

  it('stays escaped on Discord', () => {
    expect(toDiscordMarkdown(data)).toBe('\\<!channel> \\*\\*x\\*\\* \\[a\\](http://evil.example) & b');
  });

  it('reads as itself in the terminal', () => {
    expect(markdownToPlain(data)).toBe('<!channel> **x** [a](http://evil.example) & b');
  });
});

describe('toBlockKit', () => {
  it('makes a command button carry its line as value and cmd:<index> as action id', () => {
    const { blocks } = toBlockKit({
      actions: [
        { kind: 'link', label: 'Open', url: 'http://127.0.0.1:8082' },
        { kind: 'command', label: 'Retry', command: asLine('clear train fit'), style: 'danger' },
      ],
    });
    const buttons = blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons[1]).toMatchObject({ action_id: 'cmd:1', value: 'clear train fit', style: 'danger' });
    expect(buttons[0]).toMatchObject({ url: 'http://127.0.0.1:8082' });
    expect(buttons[0]?.value).toBeUndefined();
  });

  it('puts the tone emoji before the title and in the notification text', () => {
    const out = toBlockKit({ title: 'Done', tone: 'success' });
    expect(out.blocks[0]).toMatchObject({ type: 'header', text: { text: ':white_check_mark: Done' } });
    expect(out.text).toBe(':white_check_mark: Done');
  });
});

describe('toDiscord', () => {
  it('colours the embed by tone and maps button styles', () => {
    const out = toDiscord(
      {
        tone: 'error',
        title: 'x',
        actions: [
          { kind: 'command', label: 'A', command: asLine('a'), style: 'primary' },
          { kind: 'command', label: 'B', command: asLine('b'), style: 'danger' },
          { kind: 'command', label: 'C', command: asLine('c') },
          { kind: 'link', label: 'D', url: 'http://127.0.0.1' },
        ],
      },
      { customIdFor: (line) => `cmd:${line}` },
    );
    expect(out.embeds[0]?.color).toBe(0xef4444);
    expect(out.components[0]?.components).toEqual([
      { type: 2, style: 1, label: 'A', custom_id: 'cmd:a' },
      { type: 2, style: 4, label: 'B', custom_id: 'cmd:b' },
      { type: 2, style: 2, label: 'C', custom_id: 'cmd:c' },
      { type: 2, style: 5, label: 'D', url: 'http://127.0.0.1' },
    ]);
  });

  it('puts the code in the description as a fenced block in its language', () => {
    const out = toDiscord({ code: { body: 'x = 1\n', lang: 'python' } }, { customIdFor: (l) => l });
    expect(out.embeds[0]?.description).toBe('```python\nx = 1\n```');
  });
});

describe('toPlainText', () => {
  it('aligns field labels, lists actions and ends with the footer', () => {
    const out = toPlainText({
      title: 'Run failed',
      tone: 'error',
      fields: [
        { label: 'DAG', value: 'train' },
        { label: 'Duration', value: '3m' },
      ],
      actions: [
        { kind: 'command', label: 'Retry', command: asLine('clear train fit') },
        { kind: 'link', label: 'Open', url: 'http://127.0.0.1:8082' },
      ],
      footer: 'airflow',
      timestamp: new Date('2026-03-14T09:26:53Z'),
    });
    expect(out).toBe(
      [
        '✖ Run failed',
        '',
        'DAG:      train',
        'Duration: 3m',
        '',
        '[Retry] → clear train fit',
        '[Open] http://127.0.0.1:8082',
        '',
        '— airflow · 2026-03-14 09:26:53 UTC',
      ].join('\n'),
    );
  });

  it('keeps the tail of a very long log and says how many lines were cut', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `step ${i}`).join('\n');
    const out = toPlainText({ code: { body } });
    expect(out).toMatch(/^\.\.\. \d+ earlier lines cut\n/);
    expect(out.endsWith('step 4999')).toBe(true);
  });
});

describe('upstream text in the terminal', () => {
  it('cannot send escape sequences: control characters are shown in caret notation', () => {
    const out = toPlainText({ code: { body: 'ok\x1b[2J\x1b]0;pwned\x07\r\nnext\tcol' } });
    expect(out).toBe('ok^[[2J^[]0;pwned^G\nnext\tcol');
  });
});

describe('link buttons with a URL the platforms refuse', () => {
  const message = {
    actions: [
      { kind: 'link' as const, label: 'Bad', url: 'javascript:alert(1)' },
      { kind: 'link' as const, label: 'Relative', url: '/dags/x' },
      { kind: 'link' as const, label: 'Good', url: 'https://example.org' },
    ],
  };

  it('are left out on both platforms and counted', () => {
    const slack = toBlockKit(message).blocks;
    expect(slack.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.url) : []))).toEqual([
      'https://example.org',
    ]);
    expect(JSON.stringify(slack)).toContain('… and 2 more actions');
    const discord = toDiscord(message, { customIdFor: (l) => l });
    expect(discord.components.flatMap((r) => r.components.map((c) => c.label))).toEqual(['Good']);
    expect(discord.embeds[0]?.footer?.text).toBe('… and 2 more actions');
  });
});

describe('a message with only fields', () => {
  it('still gives Slack a notification text', () => {
    expect(toBlockKit({ fields: [{ label: 'DAG', value: 'train' }] }).text).toBe('DAG: train');
  });
});
