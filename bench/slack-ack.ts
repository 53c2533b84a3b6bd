// Slash-command ack latency: the bot's Slack adapter against a bare Bolt app that only acks, in the same run.
// Run: npx tsx bench/slack-ack.ts [concurrency=200] [rounds=6]. Prints figures; asserts nothing.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { App, HTTPReceiver } from '@slack/bolt';
import { createSlackAdapter } from '../src/adapters/slack/slack-adapter.js';
import { createLogger } from '../src/bot/logger.js';
import type { BotCore } from '../src/bot/types.js';
import { createHttpServer } from '../src/http/http-server.js';
import { FakeSlack } from '../test/standins/fake-slack.js';
import { slackSign } from '../test/support/slack-driver.js';

const SECRET = 'bench-signing-secret';
const concurrency = Number(process.argv[2] === 'serve' ? 0 : (process.argv[2] ?? 200));
const rounds = Number(process.argv[3] ?? 6);
const log = createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

// The work after the ack is real (a reply through response_url); only the command itself is trivial.
const core: BotCore = {
  plan: (inv) => ({
    reply: 'ephemeral',
    answersPreview: false,
    run: async () => ({ title: 'Status', text: inv.input.kind === 'line' ? inv.input.line : '' }),
    refused: () => false,
  }),
};

async function fire(url: string, stand: { responseUrl(id: string): string }, n: number): Promise<number[]> {
  const bodies = Array.from({ length: n }, (_, i) =>
    new URLSearchParams({
      command: '/mlops',
      text: `status ${i}`,
      team_id: 'T0001',
      channel_id: 'C0OPS',
      user_id: 'U0BENCH',
      user_name: 'bench',
      trigger_id: `t${i}`,
      response_url: stand.responseUrl(`bench-${i}`),
    }).toString(),
  );
  return Promise.all(
    bodies.map(async (body) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', ...slackSign(SECRET, body) };
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', body, headers });
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`ack answered ${res.status}`);
      return ms;
    }),
  );
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** Each side runs in its own process, so the stand-in's and the load generator's work is charged to neither. */
async function serve(role: string, apiUrl: string): Promise<string> {
  if (role === 'stand') {
    const stand = new FakeSlack();
    await stand.start();
    // The parent asks how many calls arrived, to know when the bot's replies have drained.
    process.stdin.on('data', () => process.stdout.write(`${stand.calls.length}\n`));
    return stand.url;
  }
  if (role === 'bot') {
    const server = createHttpServer({ port: 0, host: '127.0.0.1', log });
    const adapter = createSlackAdapter({
      config: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl, port: 0, host: '127.0.0.1' },
      log,
      server,
    });
    await adapter.start(core);
    return `${(await server.start()).url}/slack/events`;
  }
  const receiver = new HTTPReceiver({ signingSecret: SECRET });
  const bare = new App({ token: 'xoxb-test', receiver, clientOptions: { slackApiUrl: apiUrl } });
  bare.command('/mlops', async ({ ack }) => ack());
  const server = (await bare.start(0)) as unknown as Server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}

function spawnRole(role: string, apiUrl = ''): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve', role, apiUrl], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
    child.stdout?.once('data', (d: Buffer) => resolve({ url: String(d).trim(), child }));
  });
}

async function main(): Promise<void> {
  const stand = await spawnRole('stand');
  const apiUrl = `${stand.url}/api/`;
  const respondTo = { responseUrl: (id: string) => `${stand.url}/response/${id}` };
  const [botSide, bareSide] = [await spawnRole('bot', apiUrl), await spawnRole('bare', apiUrl)];
  const [botUrl, bareUrl] = [botSide.url, bareSide.url];

  await fire(bareUrl, respondTo, 20); // warm both paths: JIT, sockets

  const calls = () =>
    new Promise<number>((resolve) => {
      stand.child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
      stand.child.stdin?.write('?\n');
    });
  // Each burst starts on a quiet machine: the bot's replies to the previous one have all reached the stand-in.
  const drained = async (target: number) => {
    while ((await calls()) < target) await new Promise((res) => setTimeout(res, 50));
  };

  const bot: number[] = [];
  const base: number[] = [];
  const botBurst = async () => {
    const before = await calls();
    bot.push(...(await fire(botUrl, respondTo, concurrency)));
    await drained(before + concurrency); // one response_url reply per command
  };
  const bareBurst = async () => {
    base.push(...(await fire(bareUrl, respondTo, concurrency)));
  };
  await botBurst(); // (its figures are dropped below)
  bot.length = 0;
  for (let r = 0; r < rounds; r++) {
    // Alternate who goes first so neither always meets a cooler or busier machine.
    if (r % 2 === 0) {
      await botBurst();
      await bareBurst();
    } else {
      await bareBurst();
      await botBurst();
    }
  }

  const row = (name: string, xs: number[]) =>
    `${name.padEnd(22)} n=${xs.length}  p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms`;
  console.log(
    `${concurrency} concurrent signed slash commands x ${rounds} rounds (bot, bare Bolt, stand-in: one process each)`,
  );
  console.log(row('bot (Slack adapter)', bot));
  console.log(row('bare Bolt (ack only)', base));
  console.log(
    `ratio bot/bare: p50 ${(pct(bot, 50) / pct(base, 50)).toFixed(2)}  p99 ${(pct(bot, 99) / pct(base, 99)).toFixed(2)}  (target <= 1.3)`,
  );
  for (const side of [botSide, bareSide, stand]) {
    side.child.removeAllListeners('exit');
    side.child.kill();
  }
}

if (process.argv[2] === 'serve') {
  // The parent holds our stdin: when it goes away, so do we.
  process.stdin.on('end', () => process.exit(0));
  process.stdout.write(`${await serve(String(process.argv[3]), String(process.argv[4] ?? ''))}\n`);
} else {
  await main();
}
