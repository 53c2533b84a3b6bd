import { commandAction } from '../../bot/command-action.js';
import type { Action, Message } from '../../bot/message.js';
import { trimTrailing } from '../../bot/trim-trailing.js';
import type { ModelVersion, Run } from '../../clients/mlflow/types.js';

export interface BestRunFacts {
  experiment: string;
  metric: string;
  order: 'max' | 'min';
  run: Run;
  value: number;
  previous?: { value: number; runId: string };
  version?: ModelVersion;
}

// toPrecision pads decimals with zeros (0.5000 → 0.5); the zeros of 1230 (from 1230.4) are digits and stay.
const fmt = (v: number) => {
  if (Number.isInteger(v)) return String(v);
  const s = v.toPrecision(4);
  if (!s.includes('.') || s.includes('e')) return s;
  return trimTrailing(trimTrailing(s, '0'), '.');
};

export function bestRunCard(f: BestRunFacts): Message {
  const delta = f.previous ? f.value - f.previous.value : undefined;
  const params = Object.entries(f.run.params)
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, 6)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const fields = [
    { label: 'Experiment', value: f.experiment, inline: true },
    { label: 'Run', value: f.run.runName ? `${f.run.runName} (${f.run.runId})` : f.run.runId, inline: true },
    { label: f.metric, value: fmt(f.value), inline: true },
  ];
  if (delta !== undefined && f.previous) {
    fields.push({
      label: 'Δ vs previous best',
      value: `${delta >= 0 ? '+' : ''}${fmt(delta)} (was ${fmt(f.previous.value)})`,
      inline: true,
    });
  }
  if (params) fields.push({ label: 'Params', value: params, inline: false });
  const actions: Action[] = [];
  if (f.version)
    actions.push(
      commandAction('Promote', 'promote', [f.version.name, f.version.version], { alias: 'champion' }, 'primary'),
    );
  actions.push(commandAction('Leaderboard', 'best', [f.experiment, f.metric], f.order === 'min' ? { min: true } : {}));
  actions.push({ kind: 'link', label: 'Open in MLflow', url: f.run.url });
  return {
    title: `New best ${f.metric} in ${f.experiment}: ${fmt(f.value)}`,
    tone: 'success',
    fields,
    actions,
    timestamp: f.run.endTime,
  };
}

export interface RegistryEvent {
  model: string;
  kind: 'version_created' | 'alias_set' | 'alias_deleted';
  version?: string;
  alias?: string;
  runId?: string;
  url: string;
}

export function registryCard(e: RegistryEvent): Message {
  const title =
    e.kind === 'version_created'
      ? `${e.model} version ${e.version} registered`
      : e.kind === 'alias_set'
        ? `${e.model}@${e.alias} now points to version ${e.version}`
        : `${e.model}@${e.alias} removed`;
  const fields = [{ label: 'Model', value: e.model, inline: true }];
  if (e.version) fields.push({ label: 'Version', value: e.version, inline: true });
  if (e.alias) fields.push({ label: 'Alias', value: e.alias, inline: true });
  if (e.runId) fields.push({ label: 'Run', value: e.runId, inline: true });
  return {
    title,
    tone: e.kind === 'alias_deleted' ? 'warning' : 'info',
    fields,
    actions: [commandAction('Model', 'model', [e.model]), { kind: 'link', label: 'Open in MLflow', url: e.url }],
  };
}
