import { z } from 'zod';
import { code } from '../bot/message.js';
import { defineCommand } from './define-command.js';
import { limit } from './limit.js';

export const audit = defineCommand({
  name: 'audit',
  summary: 'Show the latest operate and admin actions',
  permission: 'admin',
  options: z.object({ limit: limit(100, 20) }),
  async handler({ options, store }) {
    const entries = await store.listAudit({ limit: options.limit });
    if (entries.length === 0) return { tone: 'info', text: 'No audited actions yet.' };
    return {
      title: `Last ${entries.length} audited action${entries.length === 1 ? '' : 's'}`,
      text: entries
        .map(
          (e) =>
            `${e.at.toISOString().slice(0, 19).replace('T', ' ')} ${code(e.actor)} ${code(e.line)} → ${e.outcome} (${e.durationMs} ms)`,
        )
        .join('\n'),
    };
  },
});
