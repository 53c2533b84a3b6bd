import type { RunOutcome } from '../../bot/core.js';

/** How a terminal run ended; src/cli.ts turns it into the process exit code. */
export type ExitStatus = 'ok' | 'failed' | 'usage' | 'interrupted';

export function exitStatusOf(outcome: RunOutcome | undefined): ExitStatus {
  if (outcome === undefined || outcome === 'ok' || outcome === 'cancelled') return 'ok';
  if (outcome === 'OPTIONS_INVALID' || outcome === 'COMMAND_UNKNOWN') return 'usage';
  return 'failed';
}
