import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

export const models = defineCommand({
  name: 'models',
  summary: 'Registered models with their aliases',
  permission: 'read',
  options: z.object({}),
  async handler({ clients, signal }) {
    const page = await clients.mlflow.searchModels({ maxResults: 100 }, { signal });
    if (page.items.length === 0) return { tone: 'info', text: 'No registered models.' };
    return {
      title: `${page.items.length} registered model${page.items.length === 1 ? '' : 's'}`,
      text: page.items
        .map((m) => {
          const aliases = m.aliases.map((a) => esc(`${a.alias}→v${a.version}`)).join(', ');
          const latest = m.latestVersions.map((v) => Number(v.version)).filter(Number.isFinite);
          const newest = latest.length ? ` latest v${Math.max(...latest)}` : '';
          return `${code(m.name)}${newest}${aliases ? ` · ${aliases}` : ''}`;
        })
        .join('\n'),
      actions: page.items.slice(0, 3).map((m) => commandAction(m.name.slice(0, 60), 'model', [m.name])),
    };
  },
});
