import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { serviceName } from '../../bot/ids.js';
import { code, esc } from '../../bot/message.js';
import type { DockerClient, ServiceStatus } from '../../clients/docker/types.js';
import { defineCommand } from '../define-command.js';
import { duration } from '../format.js';
import { describeService, isReady } from './service-line.js';

async function findService(docker: DockerClient, service: string, signal: AbortSignal): Promise<ServiceStatus[]> {
  const list = await docker.listServices({ signal });
  const mine = list.filter((s) => s.service === service || s.containerName === service);
  if (mine.length === 0) {
    const known = [...new Set(list.map((s) => s.service))].sort();
    throw userError(
      'NOT_FOUND',
      `No service ${code(service)} in compose project ${code(docker.project)}` +
        (known.length ? `; services: ${esc(known.join(', '))}.` : '; it has no containers.'),
      { service: 'docker' },
    );
  }
  return mine;
}

export const restart = defineCommand({
  name: 'restart',
  summary: 'Restart a compose service and wait until it is healthy again',
  permission: 'admin',
  reply: 'channel',
  args: ['service'],
  options: z.object({
    service: serviceName,
    stop_timeout: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(10)
      .describe('Seconds the process gets to stop before it is killed (1–10, default 10)'),
  }),
  async confirm({ options: o, clients, signal, clock }) {
    const now = clock.now();
    const found = await findService(clients.docker, o.service, signal);
    return {
      title: `Restart ${o.service}?`,
      tone: 'warning',
      text: 'The container stops and starts again; the bot waits until it is healthy (or running) and reports.',
      fields: found.map((s) => ({ label: s.containerName, value: describeService(s, now), inline: true })),
      footer: `compose project ${clients.docker.project}`,
    };
  },
  async handler({ options: o, clients, signal }) {
    // The client refuses services outside its project itself (NOT_FOUND, nothing restarted).
    const r = await clients.docker.restart(o.service, {
      signal,
      stopTimeoutSec: o.stop_timeout,
      // Leave room inside the command timeout to answer with where the container got to.
      timeoutMs: 20_000,
    });
    const ok = isReady(r);
    const state = r.health === 'none' ? r.state : `${r.state} · ${r.health}`;
    return {
      title: ok
        ? `${o.service} restarted in ${duration(r.tookMs)}`
        : `${o.service} restarted but is ${r.health === 'none' ? r.state : r.health} after ${duration(r.tookMs)}`,
      tone: ok ? 'success' : 'error',
      fields: [
        { label: 'Now', value: state, inline: true },
        { label: 'Took', value: `${(r.tookMs / 1000).toFixed(1)} s`, inline: true },
      ],
      actions: [commandAction('Logs', 'service-logs', [o.service])],
    };
  },
});
