import type { ServiceStatus } from '../../clients/docker/types.js';
import { duration } from '../format.js';

type Health = Pick<ServiceStatus, 'state' | 'health' | 'completed'>;

/** Running and healthy (or without a healthcheck), or a one-shot that finished its job. */
export function isReady(s: Health): boolean {
  return (s.state === 'running' && (s.health === 'healthy' || s.health === 'none')) || s.completed === true;
}

export function isBroken(s: Health): boolean {
  return (
    s.health === 'unhealthy' || (s.state === 'exited' && !s.completed) || s.state === 'dead' || s.state === 'restarting'
  );
}

export function serviceIcon(s: Health): string {
  if (isBroken(s)) return '✗';
  if (isReady(s)) return '✓';
  return '…';
}

/** "running · healthy · up 3 min · 2 restarts" or "exited (3) · 5 min ago". */
export function describeService(s: ServiceStatus, now: Date): string {
  const parts: string[] = [];
  if (s.completed) {
    parts.push('completed (exit 0)');
  } else if (s.state === 'exited' || s.state === 'dead') {
    parts.push(s.exitCode !== undefined ? `${s.state} (${s.exitCode})` : s.state);
  } else {
    parts.push(s.state);
    if (s.health !== 'none') parts.push(s.health);
    if (s.startedAt && s.state === 'running') parts.push(`up ${duration(now.getTime() - s.startedAt.getTime())}`);
  }
  if (s.restartCount > 0) parts.push(`${s.restartCount} restart${s.restartCount === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
