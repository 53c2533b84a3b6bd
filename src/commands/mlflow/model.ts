import { z } from 'zod';
import { modelName } from '../../bot/ids.js';
import { code, esc } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';

export const model = defineCommand({
  name: 'model',
  summary: 'One registered model: versions and aliases',
  permission: 'read',
  args: ['model'],
  options: z.object({ model: modelName }),
  async handler({ options: o, clients, signal }) {
    const what = `Model ${code(o.model)}`;
    const m = await orNotFound(clients.mlflow.getModel(o.model, { signal }), what);
    const versions = await orNotFound(
      clients.mlflow.searchModelVersions(o.model, { maxResults: 20 }, { signal }),
      what,
    );
    const sorted = [...versions].sort((a, b) => Number(b.version) - Number(a.version));
    return {
      title: m.name,
      fields: [
        { label: 'Aliases', value: m.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ') || 'none' },
        { label: 'Versions', value: String(versions.length), inline: true },
      ],
      text: sorted
        .map(
          (v) =>
            `${esc(`v${v.version} ${v.status}`)}${v.aliases.length ? ` · ${esc(v.aliases.join(', '))}` : ''}${v.runId ? ` run ${code(v.runId)}` : ''}`,
        )
        .join('\n'),
      actions: [{ kind: 'link', label: 'Open in MLflow', url: m.url }],
    };
  },
});
