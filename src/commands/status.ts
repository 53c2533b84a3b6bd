import { z } from 'zod';
import { commandAction } from '../bot/command-action.js';
import { isBotError } from '../bot/errors.js';
import { esc, type Field, type Message } from '../bot/message.js';
import { defineCommand } from './define-command.js';
import { containersSection } from './docker/containers-section.js';
import { ago } from './format.js';

const DAY_MS = 24 * 60 * 60_000;

function reason(err: unknown): string {
  return isBotError(err) && err.userMessage ? err.userMessage : 'unreachable';
}

export const status = defineCommand({
  name: 'status',
  summary: 'Airflow components, MLflow health, running and failed runs in the last 24 h',
  permission: 'read',
  options: z.object({}),
  async handler({ clients, signal, clock }): Promise<Message> {
    const now = clock.now();
    const since = new Date(now.getTime() - DAY_MS);
    // Each part answers on its own, so one service down still leaves a useful report.
    const [af, ml, running, failed, containers] = await Promise.allSettled([
      clients.airflow.health({ signal }),
      clients.mlflow.health({ signal }),
      clients.airflow.listDagRuns({ dagId: '~', states: ['running'], limit: 100 }, { signal }),
      clients.airflow.listDagRuns({ dagId: '~', states: ['failed'], updatedSince: since, limit: 100 }, { signal }),
      containersSection(clients.docker, signal),
    ]);
    const fields: Field[] = [];
    let ok = true;
    if (af.status === 'fulfilled') {
      for (const c of af.value.components) {
        const beat = c.latestHeartbeat ? `, heartbeat ${ago(c.latestHeartbeat, now)}` : '';
        if (c.status !== 'healthy') ok = false;
        fields.push({ label: `Airflow ${c.name.replace('_', ' ')}`, value: `${c.status}${beat}`, inline: true });
      }
    } else {
      ok = false;
      fields.push({ label: 'Airflow', value: reason(af.reason) });
    }
    if (ml.status === 'fulfilled') {
      if (!ml.value.ok) ok = false;
      fields.push({ label: 'MLflow', value: ml.value.ok ? 'healthy' : 'unhealthy', inline: true });
    } else {
      ok = false;
      fields.push({ label: 'MLflow', value: reason(ml.reason) });
    }
    if (running.status === 'fulfilled')
      fields.push({ label: 'Running runs', value: String(running.value.total), inline: true });
    if (failed.status === 'fulfilled') {
      fields.push({ label: 'Failed runs (24 h)', value: String(failed.value.total), inline: true });
      if (failed.value.total > 0) ok = false;
    }
    const dockerDown =
      containers.status === 'fulfilled' &&
      !containers.value.ok &&
      !containers.value.fields.some((f) => f.value.includes('down:'));
    if (containers.status === 'fulfilled') {
      fields.push(...containers.value.fields);
      // A stack without Docker is common (the local demo); only containers that are down need attention.
      if (!containers.value.ok && containers.value.fields.some((f) => f.value.includes('down:'))) ok = false;
    }
    const version =
      af.status === 'fulfilled' ? `Airflow ${esc(af.value.version)} (API ${esc(af.value.apiVersion)})` : undefined;
    const mlVersion = ml.status === 'fulfilled' && ml.value.version ? `MLflow ${esc(ml.value.version)}` : undefined;
    return {
      title: ok ? (dockerDown ? 'Airflow and MLflow healthy' : 'All services healthy') : 'Needs attention',
      tone: ok ? 'success' : 'warning',
      fields,
      footer: [version, mlVersion].filter(Boolean).join(' · ') || undefined,
      actions:
        failed.status === 'fulfilled' && failed.value.total > 0 ? [commandAction('Failures', 'failures')] : undefined,
    };
  },
});
