// Spawns the real bot (`node bin/mlops-bot.js serve`) with Discord pointed at the local stand-in.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeDiscord } from '../standins/fake-discord.js';
import { AIRFLOW_URL, MLFLOW_URL } from './services.js';

export interface SpawnedBot {
  proc: ChildProcess;
  /** Everything the bot logged so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function spawnDiscordBot(opts: {
  fake: FakeDiscord;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<SpawnedBot> {
  const { fake } = opts;
  const state = mkdtempSync(join(tmpdir(), 'mlops-discord-e2e-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Only the stand-in may be a chat target: no inherited Slack or Discord settings.
    if (v !== undefined && !/^(SLACK|DISCORD)_/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    AIRFLOW_URL,
    MLFLOW_URL,
    STATE_PATH: join(state, 'bot.db'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WATCH_INTERVAL: '86400',
    // A stale `npm run build` in dist/ must not stand in for the sources under test.
    MLOPS_BOT_FROM_SOURCE: '1',
    ...opts.env,
  });
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'mlops-bot.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((ok) => proc.once('exit', () => ok()));
  const bot: SpawnedBot = {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!/"msg":"serving"/.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await bot.stop();
      throw new Error(`the bot did not start serving (exit ${proc.exitCode}):\n${out.slice(-3000)}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return bot;
}
