import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createConsoleAdapter } from '../adapters/console/console-adapter.js';
import type { ExitStatus } from '../adapters/console/exit-status.js';
import { terminalLog } from '../adapters/console/terminal-log.js';
import { createLogger } from '../bot/logger.js';
import { describeDefaultSecrets, findDefaultSecrets } from '../bot/secrets/index.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createApp } from './create-app.js';
import { serve } from './serve.js';

export type { ExitStatus };

const MODES = `Usage:
  mlops-bot <verb> [args] [key=value ...] [--flag value]   run one command (exit 0 ok, 1 failed, 2 usage)
  mlops-bot shell                                           interactive shell ('history' lists past lines)
  mlops-bot serve                                           chat adapters and watchers (npm start)
  mlops-bot help [verb]                                     the verbs you may run`;

/**
 * The whole program but the process: one mode from argv, run until it ends or `interrupted` resolves (SIGINT or
 * SIGTERM). `serve` then shuts down gracefully and counts as a clean exit.
 */
export async function main(argv: readonly string[], o: { interrupted: Promise<void> }): Promise<ExitStatus> {
  const mode = argv[0];
  if (mode === '--help' || mode === '-h') {
    process.stdout.write(`${MODES}\n`);
    return 'ok';
  }
  // `serve` (npm start) takes its settings from ./.env when there is one; variables already set win over it.
  if (mode === 'serve' && existsSync('.env')) process.loadEnvFile('.env');
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 'usage';
    }
    throw err;
  }
  // Only a server refuses them: the one-shot CLI and the shell against the local stack use admin/admin on purpose.
  const defaults = mode === 'serve' ? findDefaultSecrets(config) : [];
  if (defaults.length > 0 && !config.MLOPS_ALLOW_DEFAULT_SECRETS) {
    process.stderr.write(`${describeDefaultSecrets(defaults)}\n`);
    return 'usage';
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
  if (mode === 'serve') {
    const server = await serve(app);
    await o.interrupted;
    await server.stop();
    return 'ok';
  }
  const interrupted = o.interrupted.then((): ExitStatus => 'interrupted');
  const terminal = createConsoleAdapter({
    core: app.core,
    historyPath: config.HISTORY_PATH ?? join(homedir(), '.mlops-bot_history'),
  });
  try {
    if (mode === 'shell') return await Promise.race([terminal.shell(), interrupted]);
    if (mode === undefined) process.stdout.write(`${MODES}\n\n`);
    return await Promise.race([terminal.runOnce(argv.length ? argv : ['help']), interrupted]);
  } finally {
    await app.close().catch(() => undefined);
  }
}
