import type { Action, Message, Tone } from '../bot/message.js';
import { withBidiControlsShown } from './bidi.js';
import { fitRendered, isButtonUrl, SLACK, tailLines, trimEndNewlines, truncateText } from './limits.js';
import { parseInline, plainOf } from './markdown.js';
import { mrkdwnCodeBlockBody, mrkdwnData, mrkdwnField, toMrkdwn } from './mrkdwn.js';

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface SlackButton {
  type: 'button';
  text: SlackText;
  action_id: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] };

export interface BlockKitMessage {
  /** Notification and screen-reader fallback. */
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<Tone, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':x:',
};

/**
 * Visible characters across all blocks. Slack rejects messages well under 50 × 3000 with the undocumented
 * `msg_blocks_too_long` (about 13 000 characters, bolt-js #2509), so fields share what is left of this.
 */
const TOTAL_BUDGET = 12_000;

/** One actions block, as many as Discord can show: more buttons than that is a menu nobody reads. */
const MAX_BUTTONS = SLACK.actionsElements;

/** Room kept for the footer context: its text (cut at 1000), the date and the "… and N more" notes. */
const FOOTER_RESERVE = 1200;

/** Cuts rendered mrkdwn without leaving half an entity such as `&am`. */
function fitMrkdwn(s: string, max: number): string {
  const out = truncateText(s, max);
  return out === s ? s : out.replace(/&[a-z]{0,3}(?=…)/, '');
}

const plainText = (text: string, max: number): SlackText => ({
  type: 'plain_text',
  text: truncateText(text, max),
  emoji: true,
});

function codeSection(body: string, budget: number): SlackText {
  const safe = mrkdwnCodeBlockBody(trimEndNewlines(body));
  const fence = '```\n\n```';
  return { type: 'mrkdwn', text: '```\n' + tailLines(safe, Math.max(0, budget - fence.length)) + '\n```' };
}

function button(action: Action, index: number): SlackButton | undefined {
  const text = plainText(action.label || action.kind, SLACK.buttonText);
  if (action.kind === 'link') {
    if (!isButtonUrl(action.url, SLACK.buttonUrl)) return undefined;
    return { type: 'button', text, action_id: `link:${index}`, url: action.url };
  }
  // A cut command line would run something else: such a button is left out and counted instead.
  if (action.command.length > SLACK.buttonValue) return undefined;
  const b: SlackButton = { type: 'button', text, action_id: `cmd:${index}`, value: action.command };
  if (action.style) b.style = action.style;
  return b;
}

/** Footer, time and what was left out, as context elements; the notes never get cut by a long footer. */
function footerElements(message: Message, notes: string[]): SlackText[] {
  const elements: SlackText[] = [];
  if (message.footer) elements.push({ type: 'mrkdwn', text: fitRendered(message.footer, 1000, toMrkdwn) });
  if (message.timestamp) {
    const secs = Math.floor(message.timestamp.getTime() / 1000);
    const time = `<!date^${secs}^{date_short_pretty} {time}|${message.timestamp.toISOString()}>`;
    elements.push({ type: 'mrkdwn', text: time });
  }
  if (notes.length > 0) elements.push({ type: 'mrkdwn', text: notes.join(' · ') });
  return elements;
}

const textLength = (block: SlackBlock): number => {
  if (block.type === 'header') return block.text.text.length;
  if (block.type === 'section')
    return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((n, f) => n + f.text.length, 0);
  if (block.type === 'context') return block.elements.reduce((n, e) => n + e.text.length, 0);
  return block.elements.reduce((n, e) => n + e.text.text.length, 0);
};

/** Renders a message as Slack Block Kit. */
export function toBlockKit(input: Message): BlockKitMessage {
  const message = withBidiControlsShown(input);
  const emoji = message.tone ? EMOJI[message.tone] : undefined;
  const head: SlackBlock[] = [];
  const tail: SlackBlock[] = [];
  const notes: string[] = [];

  let lead = emoji;
  const withLead = (s: string): string => {
    if (!lead) return s;
    const out = s ? `${lead} ${s}` : lead;
    lead = undefined;
    return out;
  };

  if (message.title) head.push({ type: 'header', text: plainText(withLead(message.title), SLACK.headerText) });
  if (message.text) {
    const prefix = withLead('');
    const budget = SLACK.sectionText - (prefix ? prefix.length + 1 : 0);
    const body = fitRendered(message.text, budget, toMrkdwn);
    head.push({ type: 'section', text: { type: 'mrkdwn', text: prefix ? `${prefix} ${body}` : body } });
  }
  if (message.code) tail.push({ type: 'section', text: codeSection(message.code.body, SLACK.sectionText) });

  // Buttons: 25 per actions block; a command too long for `value` or a URL too long is counted, not cut.
  const buttons: SlackButton[] = [];
  (message.actions ?? []).forEach((a, i) => {
    const b = button(a, i);
    if (b && buttons.length < MAX_BUTTONS) buttons.push(b);
  });
  const droppedButtons = (message.actions ?? []).length - buttons.length;
  const actionBlocks: SlackBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK.actionsElements) {
    actionBlocks.push({ type: 'actions', elements: buttons.slice(i, i + SLACK.actionsElements) });
  }

  // Fields: 10 per section, within the blocks and characters left after everything else.
  const fields = message.fields ?? [];
  const reserved = 2; // the footer context and a possible lead section
  let blocksLeft = SLACK.blocks - head.length - tail.length - actionBlocks.length - reserved;
  let charsLeft =
    TOTAL_BUDGET - [...head, ...tail, ...actionBlocks].reduce((n, b) => n + textLength(b), 0) - FOOTER_RESERVE;
  const fieldBlocks: SlackBlock[] = [];
  let current: SlackText[] = [];
  let shown = 0;
  for (const f of fields) {
    // Escaping never shortens data, so a value cut to the field's size first loses nothing that could be shown.
    const value = truncateText(f.value, SLACK.fieldText);
    const text = fitMrkdwn(mrkdwnField(truncateText(f.label, 200), value), SLACK.fieldText);
    if (current.length === 0 && blocksLeft <= 0) break;
    if (text.length > charsLeft) break;
    current.push({ type: 'mrkdwn', text });
    charsLeft -= text.length;
    shown++;
    if (current.length === SLACK.fields) {
      fieldBlocks.push({ type: 'section', fields: current });
      blocksLeft--;
      current = [];
    }
  }
  if (current.length > 0) fieldBlocks.push({ type: 'section', fields: current });
  if (shown < fields.length) notes.push(`… and ${fields.length - shown} more fields`);
  if (droppedButtons > 0) notes.push(`… and ${droppedButtons} more actions`);

  if (lead) {
    const first = fieldBlocks[0];
    if (first?.type === 'section') first.text = { type: 'mrkdwn', text: withLead('') };
    else head.push({ type: 'section', text: { type: 'mrkdwn', text: withLead('') } });
  }

  const blocks = [...head, ...fieldBlocks, ...tail];
  const footer = footerElements(message, notes);
  if (footer.length > 0) blocks.push({ type: 'context', elements: footer });
  blocks.push(...actionBlocks);

  // Slack refuses a message with no text and no blocks, and the preview should say something even without a title.
  const fallback =
    [message.title, message.text && plainOf(parseInline(message.text.replace(/\n/g, ' ')))]
      .filter(Boolean)
      .join(': ') ||
    fields.map((f) => `${f.label}: ${f.value}`).join(', ') ||
    message.footer ||
    (message.code ? 'log' : '') ||
    '…';
  return {
    text: mrkdwnData(truncateText(emoji ? `${emoji} ${fallback}`.trim() : fallback, SLACK.fallbackText)),
    blocks: blocks.slice(0, SLACK.blocks),
  };
}
