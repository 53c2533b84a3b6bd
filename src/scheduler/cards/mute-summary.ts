import { commandAction } from '../../bot/command-action.js';
import { esc, type Message } from '../../bot/message.js';
import type { EndedMute } from '../../store/store.js';

export function muteSummary(m: EndedMute): Message {
  const more = m.held - m.titles.length;
  return {
    title: `Mute of ${m.pattern} ended: ${m.held} alert${m.held === 1 ? ' was' : 's were'} held back`,
    tone: 'info',
    // Held titles are built from upstream names: data, one per line.
    text: m.titles.map((t) => `• ${esc(t)}`).join('\n') + (more > 0 ? `\n… and ${more} more` : ''),
    fields: [{ label: 'Muted by', value: m.createdBy, inline: true }],
    actions: [commandAction('Failures', 'failures', [], { since: '24h' })],
  };
}
