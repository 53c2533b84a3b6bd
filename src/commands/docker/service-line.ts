import type { ServiceStatus } from '../../clients/docker/types.js';
import { duration } from '../format.js';

export function isReady(s: Pick<ServiceStatus, 'state' | 'health'>): boolean {
  return s.state === 'running' && (s.health === 'healthy' || s.health === 'none');
}

export function isBroken(s: Pick<ServiceStatus, 'state' | 'health'>): boolean {
  return s.health === 'unhealthy' || s.state === 'exited' || s.state === 'dead' || s.state === 'restarting';
}

export function serviceIcon(s: Pick<ServiceStatus, 'state' | 'health'>): string {
  if (isBroken(s)) return '✗';
  if (isReady(s)) return '✓';
  return '…';
}

/** "running · healthy · up 3 min · 2 restarts" or "exited (3) · 5 min ago". */
export function describeService(s: ServiceStatus, now: Date): string {
  const parts: string[] = [];
  if (s.state === 'exited' || s.state === 'dead') {
    parts.push(s.exitCode !== undefined ? `${s.state} (${s.exitCode})` : s.state);
  } else {
    parts.push(s.state);
    if (s.health !== 'none') parts.push(s.health);
    if (s.startedAt && s.state === 'running') parts.push(`up ${duration(now.getTime() - s.startedAt.getTime())}`);
  }
  if (s.restartCount > 0) parts.push(`${s.restartCount} restart${s.restartCount === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
