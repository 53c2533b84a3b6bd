import type { Core } from '../../bot/core.js';
import type { Action, Message } from '../../bot/message.js';
import { toPlainText } from '../../render/plain-text.js';
import type { Confirm } from './confirm-prompt.js';
import { consoleInvocation } from './console-actor.js';
import { type ExitStatus, exitStatusOf } from './exit-status.js';

function print(message: Message): void {
  process.stdout.write(`${toPlainText(message)}\n`);
}

/** Runs one line; a confirm preview asks y/N on a terminal and refuses without one. */
export async function runLine(
  core: Pick<Core, 'plan'>,
  line: string,
  confirm: Confirm | undefined,
  onEdit?: () => void,
): Promise<ExitStatus> {
  const progress = async (m: Message) => {
    process.stdout.write(`\n${toPlainText(m)}\n`);
    onEdit?.();
  };
  const plan = core.plan(consoleInvocation(line));
  const message = await plan.run(progress);
  const confirmLine = plan.confirmLine();
  if (!confirmLine) {
    print(message);
    return exitStatusOf(plan.outcome());
  }
  if (!confirm) {
    // No y/N without a terminal: show the line that confirms, where a chat preview has its Confirm button.
    const shown: Action = { kind: 'command', label: 'Confirm', command: confirmLine };
    print({ ...message, actions: [...(message.actions ?? []), shown] });
    process.stderr.write('This command needs confirmation: run it again with --yes.\n');
    return 'usage';
  }
  print(message);
  if (!(await confirm('Proceed? [y/N] '))) {
    process.stdout.write('Cancelled. Nothing changed.\n');
    return 'failed';
  }
  const confirmed = core.plan(consoleInvocation(confirmLine));
  print(await confirmed.run(progress));
  return exitStatusOf(confirmed.outcome());
}
