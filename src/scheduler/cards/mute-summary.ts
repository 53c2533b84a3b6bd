import type { Message } from '../../bot/message.js';
import type { EndedMute } from '../../store/store.js';

export function muteSummary(m: EndedMute): Message {
  const more = m.held - m.titles.length;
  return {
    title: `Mute of ${m.pattern} ended: ${m.held} alert${m.held === 1 ? ' was' : 's were'} held back`,
    tone: 'info',
    text: m.titles.map((t) => `• ${t}`).join('\n') + (more > 0 ? `\n… and ${more} more` : ''),
    fields: [{ label: 'Muted by', value: m.createdBy, inline: true }],
    actions: [{ kind: 'command', label: 'Failures', command: 'failures --since 24h' }],
  };
}
