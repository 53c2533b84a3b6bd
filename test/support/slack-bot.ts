// Spawns the real bot (`node bin/mlops-bot.js serve`) wired to the Slack stand-in and the real local services.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeSlack } from '../standins/fake-slack.js';
import { AIRFLOW_URL, DOCKER_HOST, MLFLOW_URL } from './services.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const OPERATOR = 'U0OPERATOR';

export interface SlackBot {
  url: string;
  eventsUrl: string;
  /** Everything the bot wrote to stderr/stdout (pino JSON lines), for failure messages and log assertions. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output()}`);
    const health = await fetch(`${url}/healthz`)
      .then((r) => r.json() as Promise<{ adapters?: { slack?: { ok?: boolean } } }>)
      .catch(() => undefined);
    if (health?.adapters?.slack?.ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the bot did not become ready:\n${output()}`);
}

export async function startSlackBot(o: {
  stand: FakeSlack;
  mode: 'http' | 'socket';
  operators?: string;
  env?: Record<string, string>;
}): Promise<SlackBot> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mlops-bot-e2e-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    MLOPS_BOT_FROM_SOURCE: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    AIRFLOW_URL,
    MLFLOW_URL,
    DOCKER_HOST,
    STATE_PATH: join(dir, 'state.db'),
    WATCH_INTERVAL: '86400',
    ALERT_CHANNELS: '',
    MLOPS_OPERATORS: o.operators ?? `slack:${OPERATOR}`,
    MLOPS_ADMINS: '',
    SLACK_BOT_TOKEN: 'xoxb-e2e',
    SLACK_API_URL: o.stand.apiUrl,
    SLACK_SIGNING_SECRET: o.mode === 'http' ? SIGNING_SECRET : '',
    SLACK_APP_TOKEN: o.mode === 'socket' ? 'xapp-e2e' : '',
    DISCORD_TOKEN: '',
    DISCORD_APPLICATION_ID: '',
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
  const url = `http://127.0.0.1:${port}`;
  const bot: SlackBot = {
    url,
    eventsUrl: `${url}/slack/events`,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, child, bot.output);
  } catch (err) {
    await bot.stop();
    throw err;
  }
  return bot;
}
