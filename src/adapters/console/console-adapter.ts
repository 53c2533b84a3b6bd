import type { Core } from '../../bot/core.js';
import { argvToLine } from './argv-to-line.js';
import { askOnce } from './confirm-prompt.js';
import type { ExitStatus } from './exit-status.js';
import { runLine } from './run-line.js';
import { runShell } from './shell.js';

export interface ConsoleAdapter {
  /** `mlops-bot <verb> [args]`: one command from argv; a confirm step asks y/N on a terminal. */
  runOnce(argv: readonly string[]): Promise<ExitStatus>;
  /** `mlops-bot shell`: lines until `exit`, with a history file. */
  shell(): Promise<ExitStatus>;
}

/** The terminal as a platform: argv or typed lines in, plain text out, y/N in place of Confirm buttons. */
export function createConsoleAdapter(deps: { core: Pick<Core, 'plan' | 'idle'>; historyPath: string }): ConsoleAdapter {
  return {
    async runOnce(argv) {
      const status = await runLine(deps.core, argvToLine(argv), process.stdin.isTTY ? askOnce : undefined);
      // trigger keeps printing the run's progress until it ends; Ctrl-C stops waiting.
      await deps.core.idle();
      return status;
    },
    shell: () => runShell({ core: deps.core, historyPath: deps.historyPath }),
  };
}
