import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { isBotError } from '../../bot/errors.js';
import { modelName, modelVersion, settableAlias } from '../../bot/ids.js';
import { code } from '../../bot/message.js';
import type { MlflowClient, ModelVersion } from '../../clients/mlflow/types.js';
import { defineCommand } from '../define-command.js';
import { orNotFound } from '../not-found.js';

async function current(
  mlflow: MlflowClient,
  name: string,
  alias: string,
  signal: AbortSignal,
): Promise<ModelVersion | undefined> {
  try {
    return await mlflow.getVersionByAlias(name, alias, { signal });
  } catch (err) {
    if (isBotError(err) && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}

export const promote = defineCommand({
  name: 'promote',
  summary: 'Point a model alias (default champion) at a version',
  permission: 'admin',
  reply: 'channel',
  args: ['model', 'version'],
  options: z.object({
    model: modelName,
    version: modelVersion,
    alias: settableAlias.default('champion').describe('Alias to move (default champion)'),
  }),
  async confirm({ options: o, clients, signal }) {
    const v = await orNotFound(
      clients.mlflow.getModelVersion(o.model, o.version, { signal }),
      `Version ${o.version} of model ${code(o.model)}`,
    );
    const was = await current(clients.mlflow, o.model, o.alias, signal);
    return {
      title: `Point ${o.alias} of ${o.model} at v${v.version}?`,
      tone: 'warning',
      fields: [
        { label: 'Now', value: was ? `v${was.version}` : 'unset', inline: true },
        { label: 'After', value: `v${v.version}`, inline: true },
        ...(v.runId ? [{ label: 'Run', value: v.runId }] : []),
      ],
    };
  },
  async handler({ options: o, clients, signal }) {
    await orNotFound(
      clients.mlflow.getModelVersion(o.model, o.version, { signal }),
      `Version ${o.version} of model ${code(o.model)}`,
    );
    const was = await current(clients.mlflow, o.model, o.alias, signal);
    await clients.mlflow.setAlias(o.model, o.alias, o.version, { signal });
    const m = await clients.mlflow.getModel(o.model, { signal });
    return {
      title: `${o.model} ${o.alias} → v${o.version}`,
      tone: 'success',
      fields: [{ label: 'Was', value: was ? `v${was.version}` : 'unset', inline: true }],
      actions: [
        ...(was && was.version !== o.version
          ? [commandAction(`Roll back to v${was.version}`, 'promote', [o.model, was.version], { alias: o.alias })]
          : []),
        { kind: 'link', label: 'Open in MLflow', url: m.url },
      ],
    };
  },
});
