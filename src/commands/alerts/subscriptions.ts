import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { defineCommand } from '../define-command.js';
import { describeFilter, topicWord } from './topics.js';

export const subscriptions = defineCommand({
  name: 'subscriptions',
  summary: 'What this channel is subscribed to, and what is muted',
  permission: 'read',
  options: z.object({}),
  async handler({ origin, store, clock }) {
    const subs = await store.subscriptions({ dest: { platform: origin.platform, channelId: origin.channelId } });
    const mutes = (await store.mutes(clock.now())).filter(
      (m) => m.dest.platform === origin.platform && m.dest.channelId === origin.channelId,
    );
    if (subs.length === 0 && mutes.length === 0) {
      return {
        title: 'No subscriptions in this channel',
        tone: 'info',
        text: 'Try `subscribe failures`, `subscribe best <experiment> <metric>`, `subscribe models` or `subscribe containers`.',
      };
    }
    return {
      title: `${subs.length} subscription${subs.length === 1 ? '' : 's'} in this channel`,
      tone: 'info',
      fields: [
        ...subs.map((s) => ({ label: `${topicWord(s.topic)} · ${s.id}`, value: describeFilter(s.topic, s.filter) })),
        ...mutes.map((m) => ({
          label: `muted ${m.pattern}`,
          value: `until ${m.until.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        })),
      ],
      actions: subs.slice(0, 5).map((s) => commandAction(`Unsubscribe ${s.id}`, 'unsubscribe', [s.id])),
    };
  },
});
