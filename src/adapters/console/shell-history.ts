import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { containsSecret, SECRETISH } from '../../bot/secrets/index.js';

/** A secret-looking word anywhere, or anything log masking would hide: a line holding one is never written down. */
export function looksSecret(line: string): boolean {
  return SECRETISH.test(line) || containsSecret(line);
}

export interface ShellHistory {
  /** Newest first, the order readline's `history` option expects. */
  load(): string[];
  record(line: string): void;
  /** Trims the file to the newest `max` lines. */
  close(): void;
}

/**
 * Lines typed in `mlops-bot shell`, one per line in a file shared by every session. Appending per line keeps two open
 * shells from overwriting each other; the cap is applied when a session starts and ends. Errors never stop the
 * shell: history is a convenience.
 */
export function createShellHistory(deps: { path: string; max: number }): ShellHistory {
  const { path, max } = deps;
  let last: string | undefined;

  const read = (): string[] => {
    try {
      return readFileSync(path, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const trim = (lines: string[]): string[] => {
    if (lines.length <= max) return lines;
    const kept = lines.slice(-max);
    try {
      writeFileSync(path, `${kept.join('\n')}\n`, { mode: 0o600 });
    } catch {
      // A read-only history file still serves the lines it has.
    }
    return kept;
  };

  return {
    load() {
      const lines = trim(read());
      last = lines.at(-1);
      return lines.reverse();
    },
    record(line) {
      const l = line.trim();
      if (l === '' || l === last || /[\r\n]/.test(l) || looksSecret(l)) return;
      last = l;
      try {
        mkdirSync(dirname(path), { recursive: true });
        appendFileSync(path, `${l}\n`, { mode: 0o600 });
      } catch {
        // See above: never fatal.
      }
    },
    close() {
      trim(read());
    },
  };
}
