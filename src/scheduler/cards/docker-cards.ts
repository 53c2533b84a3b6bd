import { commandAction } from '../../bot/command-action.js';
import { esc, type Message } from '../../bot/message.js';
import type { LogLine, ServiceStatus } from '../../clients/docker/types.js';

export type ContainerProblem = 'unhealthy' | 'exited' | 'restarting';

export function problemOf(s: ServiceStatus, previousRestarts: number | undefined): ContainerProblem | undefined {
  if (s.completed) return undefined;
  if (s.state === 'exited' || s.state === 'dead') return 'exited';
  if (s.state === 'restarting') return 'restarting';
  // Docker restarted it by itself twice or more since the last tick: a restart loop between two looks.
  if (previousRestarts !== undefined && s.restartCount - previousRestarts >= 2) return 'restarting';
  if (s.health === 'unhealthy') return 'unhealthy';
  return undefined;
}

const WHAT: Record<ContainerProblem, string> = {
  unhealthy: 'is unhealthy',
  exited: 'has exited',
  restarting: 'is restart-looping',
};

export function containerCard(s: ServiceStatus, problem: ContainerProblem, logs: LogLine[]): Message {
  const fields = [
    { label: 'Service', value: s.service, inline: true },
    { label: 'State', value: s.state, inline: true },
    { label: 'Health', value: s.health, inline: true },
    { label: 'Restarts', value: String(s.restartCount), inline: true },
    { label: 'Container', value: s.containerName, inline: true },
  ];
  if (s.exitCode !== undefined && s.state !== 'running')
    fields.push({ label: 'Exit code', value: String(s.exitCode), inline: true });
  return {
    title: `${s.service} ${WHAT[problem]}`,
    tone: 'error',
    fields,
    code: logs.length
      ? { body: logs.map((l) => (l.stream === 'stderr' ? `! ${l.text}` : l.text)).join('\n') }
      : undefined,
    actions: [
      commandAction('Restart', 'restart', [s.service], {}, 'danger'),
      commandAction('Logs', 'service-logs', [s.service], { lines: 100 }),
      commandAction('Mute 1h', 'mute', [s.service, '1h']),
    ],
  };
}

export function containerRecoveredCard(s: ServiceStatus, problem: ContainerProblem, downForMs: number): Message {
  const mins = Math.max(1, Math.round(downForMs / 60_000));
  return {
    title: `${s.service} recovered`,
    tone: 'success',
    text: `Was ${problem} for about ${mins} min; now ${esc(s.state)}${s.health !== 'none' ? `, ${esc(s.health)}` : ''}.`,
    fields: [
      { label: 'Service', value: s.service, inline: true },
      { label: 'Restarts', value: String(s.restartCount), inline: true },
    ],
  };
}
