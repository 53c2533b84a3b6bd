import { z } from 'zod';
import { defineCommand } from './define-command.js';

export const help = defineCommand({
  name: 'help',
  summary: 'List the commands you may run, or show one command',
  permission: 'read',
  args: ['verb'],
  options: z.object({ verb: z.string().max(32).optional().describe('A command to explain, e.g. trigger') }),
  async handler({ options, catalog, can }) {
    return catalog.help(can, options.verb);
  },
});
