import { z } from 'zod';
import { userError } from '../../bot/errors.js';
import { code } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

export const unsubscribe = defineCommand({
  name: 'unsubscribe',
  summary: 'Stop one subscription of this channel (ids from `subscriptions`)',
  permission: 'operate',
  reply: 'channel',
  args: ['id'],
  options: z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w-]+$/, 'not a subscription id')
      .describe('Subscription id'),
  }),
  async handler({ options: o, origin, store }) {
    const mine = await store.subscriptions({ dest: { platform: origin.platform, channelId: origin.channelId } });
    if (!mine.some((s) => s.id === o.id)) {
      throw userError(
        'NOT_FOUND',
        `This channel has no subscription ${code(o.id)}. Run \`subscriptions\` to list them.`,
      );
    }
    await store.unsubscribe(o.id);
    return { title: 'Unsubscribed', tone: 'success', fields: [{ label: 'Subscription', value: o.id }] };
  },
});
