import type { DagRunState, TaskState } from '../clients/airflow/types.js';

const ICON: Record<string, string> = {
  success: '✓',
  failed: '✗',
  upstream_failed: '✗',
  running: '▶',
  queued: '…',
  scheduled: '…',
  up_for_retry: '↻',
  skipped: '–',
};

export function stateIcon(state: DagRunState | TaskState | string): string {
  return ICON[state] ?? '·';
}

/** "42 s", "3 min", "2 h 5 min", "3 d": short and stable for tests. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

export function ago(then: Date | undefined, now: Date): string {
  return then ? `${duration(now.getTime() - then.getTime())} ago` : 'never';
}
