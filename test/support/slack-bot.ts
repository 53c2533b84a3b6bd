// The spawned bot wired to the Slack stand-in only, with its own state directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeSlack } from '../standins/fake-slack.js';
import { freePort, startBot } from './bot-process.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const OPERATOR = 'U0OPERATOR';

export interface SlackBot {
  url: string;
  eventsUrl: string;
  /** Everything the bot wrote to stderr/stdout (pino JSON lines), for failure messages and log assertions. */
  output(): string;
  stop(): Promise<void>;
}

export async function startSlackBot(o: {
  stand: FakeSlack;
  mode: 'http' | 'socket';
  operators?: string;
  env?: Record<string, string>;
}): Promise<SlackBot> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-bot-e2e-'));
  try {
    const bot = await startBot({
      port: await freePort(),
      statePath: join(dir, 'state.db'),
      slack: o.stand,
      slackMode: o.mode,
      signingSecret: SIGNING_SECRET,
      env: { WATCH_INTERVAL: '86400', MLOPS_OPERATORS: o.operators ?? `slack:${OPERATOR}`, ...o.env },
    });
    return {
      url: bot.url,
      eventsUrl: `${bot.url}/slack/events`,
      output: bot.output,
      async stop() {
        await bot.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
