import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { toPlainText } from '../render/plain-text.js';
import { quote } from './command-line.js';
import { ConfigError, loadConfig } from './config.js';
import type { RunOutcome } from './core.js';
import { createLogger } from './logger.js';
import { type App, consoleActor, consoleOrigin, createApp, serve } from './main.js';
import type { Action, Message } from './message.js';
import { describeDefaultSecrets, findDefaultSecrets } from './secrets/index.js';
import { createShellHistory, looksSecret } from './shell-history.js';
import type { Invocation } from './types.js';

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const MODES = `Usage:
  mlops-bot <verb> [args] [key=value ...] [--flag value]   run one command (exit 0 ok, 1 failed, 2 usage)
  mlops-bot shell                                           interactive shell ('history' lists past lines)
  mlops-bot serve                                           chat adapters and watchers (npm start)
  mlops-bot help [verb]                                     the verbs you may run`;

/** argv is already split by the shell; re-quote each word so the core's tokenizer sees the same words. */
export function argvToLine(argv: readonly string[]): string {
  return argv
    .map((a) => {
      const flag = /^(--[\w-]+)(=(.*))?$/s.exec(a);
      if (flag) return flag[2] === undefined ? a : `${flag[1]}=${quote(flag[3] ?? '', false)}`;
      const pair = /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(a);
      if (pair) return `${pair[1]}=${quote(pair[2] ?? '', false)}`;
      return quote(a, true);
    })
    .join(' ');
}

function exitCodeOf(outcome: RunOutcome | undefined): number {
  if (outcome === undefined || outcome === 'ok' || outcome === 'cancelled') return EXIT.ok;
  if (outcome === 'OPTIONS_INVALID' || outcome === 'COMMAND_UNKNOWN') return EXIT.usage;
  return EXIT.failed;
}

function print(message: Message): void {
  process.stdout.write(`${toPlainText(message)}\n`);
}

function invocation(line: string): Invocation {
  return {
    id: `inv_${randomBytes(6).toString('hex')}`,
    actor: consoleActor(),
    origin: consoleOrigin,
    via: 'console',
    input: { kind: 'line', line },
  };
}

/** Asks y/N on the terminal; the one-shot mode opens readline only for the question so Ctrl-C still interrupts. */
type Confirm = (question: string) => Promise<boolean>;

function askWith(rl: Interface): Confirm {
  return (question) => new Promise((resolve) => rl.question(question, (a) => resolve(/^y(es)?$/i.test(a.trim()))));
}

const askOnce: Confirm = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await askWith(rl)(question);
  } finally {
    rl.close();
  }
};

/** Runs one line; a confirm preview asks y/N on a terminal and refuses without one. */
async function runLine(app: App, line: string, confirm: Confirm | undefined, onEdit?: () => void): Promise<number> {
  const progress = async (m: Message) => {
    process.stdout.write(`\n${toPlainText(m)}\n`);
    onEdit?.();
  };
  const plan = app.core.plan(invocation(line));
  const message = await plan.run(progress);
  const confirmLine = plan.confirmLine();
  if (!confirmLine) {
    print(message);
    return exitCodeOf(plan.outcome());
  }
  if (!confirm) {
    // No y/N without a terminal: show the line that confirms, where a chat preview has its Confirm button.
    const shown: Action = { kind: 'command', label: 'Confirm', command: confirmLine };
    print({ ...message, actions: [...(message.actions ?? []), shown] });
    process.stderr.write('This command needs confirmation: run it again with --yes.\n');
    return EXIT.usage;
  }
  print(message);
  if (!(await confirm('Proceed? [y/N] '))) {
    process.stdout.write('Cancelled. Nothing changed.\n');
    return EXIT.failed;
  }
  const confirmed = app.core.plan(invocation(confirmLine));
  print(await confirmed.run(progress));
  return exitCodeOf(confirmed.outcome());
}

async function oneShot(app: App, argv: readonly string[]): Promise<number> {
  const code = await runLine(app, argvToLine(argv), process.stdin.isTTY ? askOnce : undefined);
  // trigger keeps printing the run's progress until it ends; Ctrl-C stops waiting.
  await app.core.idle();
  return code;
}

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

async function shell(app: App): Promise<number> {
  const history = createShellHistory({
    path: app.config.HISTORY_PATH ?? join(homedir(), '.mlops-bot_history'),
    max: HISTORY_MAX,
  });
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
        await runLine(app, line, rl.terminal ? askWith(rl) : undefined, () => rl.prompt(true));
      }
      rl.prompt();
    }
  } finally {
    rl.close();
    history.close();
  }
  // Ctrl-D or the end of piped input leaves the cursor after the prompt.
  if (!typedExit) process.stdout.write('\n');
  return EXIT.ok;
}

const terminalLog = {
  write(record: string): void {
    try {
      const r = JSON.parse(record) as { msg?: string; err?: { message?: string } };
      process.stderr.write(`mlops-bot: ${r.msg ?? 'error'}${r.err?.message ? `: ${r.err.message}` : ''}\n`);
    } catch {
      process.stderr.write(record);
    }
  },
};

async function main(argv: readonly string[]): Promise<number> {
  const mode = argv[0];
  if (mode === '--help' || mode === '-h') {
    process.stdout.write(`${MODES}\n`);
    return EXIT.ok;
  }
  // `serve` (npm start) takes its settings from ./.env when there is one; variables already set win over it.
  if (mode === 'serve' && existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  // Only a server refuses them: the one-shot CLI and the shell against the local stack use admin/admin on purpose.
  const defaults = mode === 'serve' ? findDefaultSecrets(config) : [];
  if (defaults.length > 0 && !config.MLOPS_ALLOW_DEFAULT_SECRETS) {
    process.stderr.write(`${describeDefaultSecrets(defaults)}\n`);
    return EXIT.usage;
  }
  // At the default level a terminal user sees only errors, as one line: a warning (Docker down, say) repeats what
  // the reply already says, and JSON is for log collectors.
  const quiet = mode !== 'serve' && config.LOG_LEVEL === 'info';
  const log = quiet
    ? createLogger({ level: 'error', destination: terminalLog })
    : createLogger({ level: config.LOG_LEVEL });
  if (defaults.length > 0)
    log.warn({ problems: defaults }, 'serving with default secrets (MLOPS_ALLOW_DEFAULT_SECRETS)');
  const app = createApp({ config, log });
  const interrupted = new Promise<number>((resolve) => {
    const stop = () => resolve(mode === 'serve' ? EXIT.ok : EXIT.interrupted);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  try {
    if (mode === 'serve') {
      const server = await serve(app);
      const code = await interrupted;
      await server.stop();
      return code;
    }
    if (mode === 'shell') return await Promise.race([shell(app), interrupted]);
    if (mode === undefined) process.stdout.write(`${MODES}\n\n`);
    return await Promise.race([oneShot(app, argv.length ? argv : ['help']), interrupted]);
  } finally {
    if (mode !== 'serve') await app.close().catch(() => undefined);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`mlops-bot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
