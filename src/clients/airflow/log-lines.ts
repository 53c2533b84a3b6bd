import type { LogItem } from './airflow-schemas.js';

// Airflow 2 writes markers after the log prefix (`[ts] {file} INFO - ::group::...`), Airflow 3 as the whole event.
const GROUP_MARKER = /(^|\s)::(end)?group::/;

/** Airflow 3 puts a raised exception in `error_detail` rather than in the event text; render it like a traceback. */
function errorDetailLines(detail: unknown): string[] {
  if (!Array.isArray(detail)) return [];
  const out: string[] = [];
  for (const exc of detail) {
    if (!exc || typeof exc !== 'object') continue;
    const e = exc as Record<string, unknown>;
    if (Array.isArray(e.frames)) {
      for (const f of e.frames) {
        const fr = (f ?? {}) as Record<string, unknown>;
        out.push(
          `  File "${String(fr.filename ?? '?')}", line ${String(fr.lineno ?? '?')}, in ${String(fr.name ?? '?')}`,
        );
      }
    }
    const type = typeof e.exc_type === 'string' ? e.exc_type : 'Error';
    out.push(typeof e.exc_value === 'string' && e.exc_value ? `${type}: ${e.exc_value}` : type);
  }
  return out;
}

/** One Airflow 3 JSON log item (a string or a structured event) as plain lines. */
export function renderLogItem(item: LogItem): string[] {
  if (typeof item === 'string') return item.split('\n');
  const event = typeof item.event === 'string' ? item.event : item.event == null ? '' : JSON.stringify(item.event);
  // Markers are checked before the level prefix hides them from tailLines.
  if (GROUP_MARKER.test(event)) return [];
  const level = item.level ? `${item.level.toUpperCase()} - ` : '';
  const head = event.split('\n').map((l, i) => (i === 0 ? `${level}${l}` : l));
  return [...head, ...errorDetailLines(item.error_detail)];
}

/** Drops ::group:: markers and the trailing blank line, then keeps the last `keep` lines. */
export function tailLines(all: string[], keep: number): { lines: string[]; truncated: number } {
  const lines = all.filter((l) => !GROUP_MARKER.test(l));
  while (lines.length && lines[lines.length - 1]?.trim() === '') lines.pop();
  const n = Math.max(0, Math.floor(keep));
  const start = Math.max(0, lines.length - n);
  return { lines: lines.slice(start), truncated: start };
}
