import { createInterface } from 'node:readline';
import type { Core } from '../../bot/core.js';
import { askWith } from './confirm-prompt.js';
import { consoleActor } from './console-actor.js';
import type { ExitStatus } from './exit-status.js';
import { runLine } from './run-line.js';
import { createShellHistory, looksSecret } from './shell-history.js';

const HISTORY_MAX = 1000;

function printHistory(lines: readonly string[], count: number): void {
  const shown = lines.slice(-count);
  const first = lines.length - shown.length + 1;
  process.stdout.write(
    shown.length
      ? `${shown.map((l, i) => `${String(first + i).padStart(5)}  ${l}`).join('\n')}\n`
      : 'No history yet.\n',
  );
}

/** `mlops-bot shell`: one line at a time until `exit`, Ctrl-D or the end of piped input. */
export async function runShell(deps: { core: Pick<Core, 'plan'>; historyPath: string }): Promise<ExitStatus> {
  const history = createShellHistory({ path: deps.historyPath, max: HISTORY_MAX });
  const past = history.load();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'mlops> ',
    history: past,
    historySize: HISTORY_MAX,
    removeHistoryDuplicates: true,
    terminal: process.stdin.isTTY,
  });
  // Oldest first, as `history` prints them; this session's lines are added as they are typed.
  const lines = [...past].reverse();
  // In a terminal readline reads Ctrl-C itself: leave the shell as `exit` would.
  rl.on('SIGINT', () => rl.close());
  process.stdout.write(`mlops-bot shell as ${consoleActor().userId}; \`help\` lists commands, \`exit\` leaves.\n`);
  rl.prompt();
  let typedExit = false;
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      typedExit = line === 'exit' || line === 'quit';
      if (typedExit) break;
      const shown = /^history(?:\s+(\d+))?$/.exec(line);
      if (shown) printHistory(lines, Number(shown[1] ?? 20));
      else if (line !== '') {
        history.record(line);
        if (!looksSecret(line) && lines.at(-1) !== line) lines.push(line);
        await runLine(deps.core, line, rl.terminal ? askWith(rl) : undefined, () => rl.prompt(true));
      }
      rl.prompt();
    }
  } finally {
    rl.close();
    history.close();
  }
  // Ctrl-D or the end of piped input leaves the cursor after the prompt.
  if (!typedExit) process.stdout.write('\n');
  return 'ok';
}
