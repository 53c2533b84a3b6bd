import type { BlockKitMessage } from '../../../src/render/block-kit.js';
import type { DiscordMessage } from '../../../src/render/discord.js';
import { DISCORD, SLACK } from '../../../src/render/limits.js';

function visibleText(m: BlockKitMessage): number {
  return m.blocks.reduce((n, b) => {
    if (b.type === 'header') return n + b.text.text.length;
    if (b.type === 'section')
      return n + (b.text?.text.length ?? 0) + (b.fields ?? []).reduce((a, f) => a + f.text.length, 0);
    if (b.type === 'context') return n + b.elements.reduce((a, e) => a + e.text.length, 0);
    return n + b.elements.reduce((a, e) => a + e.text.text.length, 0);
  }, 0);
}

/** Every Slack limit a rendered message breaks, as readable lines; empty when it fits. */
export function slackViolations(m: BlockKitMessage): string[] {
  const out: string[] = [];
  const over = (what: string, n: number, max: number): void => {
    if (n > max) out.push(`${what}: ${n} > ${max}`);
  };
  over('blocks', m.blocks.length, SLACK.blocks);
  // Slack answers msg_blocks_too_long at about 13 000 characters in total (bolt-js #2509).
  over('characters in all blocks', visibleText(m), 12_000);
  const actionIds = new Set<string>();
  m.blocks.forEach((b, i) => {
    if (b.type === 'header') over(`header ${i}`, b.text.text.length, SLACK.headerText);
    if (b.type === 'section') {
      if (b.text) over(`section ${i} text`, b.text.text.length, SLACK.sectionText);
      if (!b.text && !b.fields) out.push(`section ${i} is empty`);
      over(`section ${i} fields`, b.fields?.length ?? 0, SLACK.fields);
      for (const f of b.fields ?? []) over(`section ${i} field`, f.text.length, SLACK.fieldText);
    }
    if (b.type === 'context') {
      over(`context ${i} elements`, b.elements.length, SLACK.contextElements);
      for (const e of b.elements) over(`context ${i} text`, e.text.length, SLACK.contextText);
    }
    if (b.type === 'actions') {
      over(`actions ${i} elements`, b.elements.length, SLACK.actionsElements);
      for (const e of b.elements) {
        over(`button text`, e.text.text.length, SLACK.buttonText);
        if (e.text.text.length === 0) out.push('button text is empty');
        over(`button value`, e.value?.length ?? 0, SLACK.buttonValue);
        over(`button url`, e.url?.length ?? 0, SLACK.buttonUrl);
        over(`action_id`, e.action_id.length, SLACK.actionId);
        if (actionIds.has(e.action_id)) out.push(`duplicate action_id ${e.action_id}`);
        actionIds.add(e.action_id);
      }
    }
  });
  return out;
}

/** Every Discord limit a rendered message breaks; empty when it fits. */
export function discordViolations(m: DiscordMessage): string[] {
  const out: string[] = [];
  const over = (what: string, n: number, max: number): void => {
    if (n > max) out.push(`${what}: ${n} > ${max}`);
  };
  over('content', m.content?.length ?? 0, DISCORD.content);
  over('embeds', m.embeds.length, DISCORD.embeds);
  let total = 0;
  for (const e of m.embeds) {
    over('title', e.title?.length ?? 0, DISCORD.title);
    over('description', e.description?.length ?? 0, DISCORD.description);
    over('fields', e.fields?.length ?? 0, DISCORD.fields);
    for (const f of e.fields ?? []) {
      over('field name', f.name.length, DISCORD.fieldName);
      over('field value', f.value.length, DISCORD.fieldValue);
      if (!f.name || !f.value) out.push('empty field name or value');
    }
    over('footer', e.footer?.text.length ?? 0, DISCORD.footer);
    total +=
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  }
  over('embed total', total, DISCORD.embedTotal);
  over('rows', m.components.length, DISCORD.rows);
  const ids = new Set<string>();
  for (const row of m.components) {
    over('buttons per row', row.components.length, DISCORD.buttonsPerRow);
    for (const b of row.components) {
      over('button label', b.label.length, DISCORD.buttonLabel);
      if (b.style === 5) over('button url', b.url.length, DISCORD.buttonUrl);
      else {
        over('custom_id', b.custom_id.length, DISCORD.customId);
        if (ids.has(b.custom_id)) out.push(`duplicate custom_id ${b.custom_id}`);
        ids.add(b.custom_id);
      }
    }
  }
  return out;
}

/** The adapter's rule in small: `cmd:<line>` when it fits, else a stand-in for a saved action ref. */
export function fakeCustomIds(): { customIdFor(line: string): string } {
  const refs = new Map<string, string>();
  return {
    customIdFor(line) {
      const id = `cmd:${line}`;
      if (id.length <= 100) return id;
      const ref = refs.get(line) ?? `ref:${refs.size + 1}`;
      refs.set(line, ref);
      return ref;
    },
  };
}
