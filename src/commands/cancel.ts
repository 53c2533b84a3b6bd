import { z } from 'zod';
import { defineCommand } from '../bot/command.js';
import { code } from '../bot/message.js';

/** What a preview's Cancel button runs: nothing changes, the click just gets an answer. */
export const cancel = defineCommand({
  name: 'cancel',
  summary: 'Dismiss a confirmation',
  permission: 'read',
  hidden: true,
  args: ['verb'],
  options: z.object({ verb: z.string().max(32).optional().describe('The command that was not confirmed') }),
  async handler({ options }) {
    return { tone: 'info', text: options.verb ? `Cancelled ${code(options.verb)}. Nothing changed.` : 'Cancelled.' };
  },
});
