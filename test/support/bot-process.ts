// Spawns the real bot (`node bin/mlops-bot.js serve`) with both chat stand-ins and the real local services.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { FakeDiscord } from '../standins/fake-discord.js';
import type { FakeSlack } from '../standins/fake-slack.js';
import { AIRFLOW_URL, DOCKER_HOST, MLFLOW_URL } from './services.js';

export const SLACK_SECRET = 'e2e-alerts-signing-secret';
export const SLACK_OPERATOR = 'U0ALERTOPS';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export interface BotProcess {
  url: string;
  output(): string;
  /** SIGTERM and wait; `kill9` to die without any cleanup. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface BotOptions {
  port: number;
  statePath: string;
  slack?: FakeSlack;
  /** Slack over signed HTTP (default) or Socket Mode through the stand-in's websocket. */
  slackMode?: 'http' | 'socket';
  signingSecret?: string;
  discord?: FakeDiscord;
  env?: Record<string, string>;
}

async function waitReady(url: string, child: ChildProcess, o: BotOptions, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output()}`);
    const h = await fetch(`${url}/healthz`)
      .then((r) => r.json() as Promise<{ adapters?: Record<string, { ok?: boolean }> }>)
      .catch(() => undefined);
    const ready = (!o.slack || h?.adapters?.slack?.ok) && (!o.discord || h?.adapters?.discord?.ok);
    if (h && ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the bot did not become ready:\n${output().slice(-4000)}`);
}

export async function startBot(o: BotOptions): Promise<BotProcess> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MLOPS_BOT_FROM_SOURCE: '1',
    PORT: String(o.port),
    HOST: '127.0.0.1',
    AIRFLOW_URL,
    MLFLOW_URL,
    DOCKER_HOST,
    STATE_PATH: o.statePath,
    ALERT_CHANNELS: '',
    MLOPS_ADMINS: '',
    SLACK_BOT_TOKEN: o.slack ? 'xoxb-e2e' : '',
    SLACK_API_URL: o.slack?.apiUrl ?? 'https://slack.com/api',
    SLACK_SIGNING_SECRET: o.slack && o.slackMode !== 'socket' ? (o.signingSecret ?? SLACK_SECRET) : '',
    SLACK_APP_TOKEN: o.slack && o.slackMode === 'socket' ? 'xapp-e2e' : '',
    DISCORD_TOKEN: o.discord?.token ?? '',
    DISCORD_APPLICATION_ID: o.discord?.applicationId ?? '',
    DISCORD_GUILD_ID: o.discord?.guildId ?? '',
    DISCORD_API_URL: o.discord?.apiUrl ?? 'https://discord.com/api',
    ...o.env,
  };
  const child = spawn(process.execPath, ['bin/mlops-bot.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d;
  });
  const url = `http://127.0.0.1:${o.port}`;
  const bot: BotProcess = {
    url,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitReady(url, child, o, bot.output);
  } catch (err) {
    await bot.stop('SIGKILL');
    throw err;
  }
  return bot;
}
