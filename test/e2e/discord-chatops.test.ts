// The real bot process, real discord.js and the real local Airflow/MLflow, with the local Discord stand-in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirflowClient } from '../../src/clients/airflow/types.js';
import { FakeDiscord, snowflake } from '../standins/fake-discord.js';
import { airflow3Client } from '../support/airflow-admin.js';
import { chatScenarios, replyWhere, steady } from '../support/chat-scenarios.js';
import { type SpawnedBot, spawnDiscordBot } from '../support/discord-bot.js';
import { DiscordDriver } from '../support/discord-driver.js';

let fake: FakeDiscord;
let bot: SpawnedBot;
let airflow: AirflowClient;
let operatorRole: string;
const reader = { user: snowflake(), roles: [] as string[] };

beforeAll(async () => {
  fake = await FakeDiscord.start();
  operatorRole = fake.roleIds[0] as string;
  airflow = airflow3Client();
  bot = await spawnDiscordBot({ fake, env: { MLOPS_OPERATORS: `discord-role:${operatorRole}` } });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Discord e2e: the shared chat scenarios', () => {
  chatScenarios(() => ({
    driver: () => new DiscordDriver(fake),
    airflow,
    operator: { user: snowflake(), roles: [operatorRole] },
    reader,
  }));
});

describe('Discord e2e: Discord specifics', () => {
  it('registers exactly the golden /mlops command JSON in the guild', () => {
    const golden: unknown = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'discord-commands.json'), 'utf8'),
    );
    const put = fake.calls.find((c) => c.method === 'PUT' && c.path.endsWith(`/guilds/${fake.guildId}/commands`));

    expect(put?.auth).toBe(`Bot ${fake.token}`);
    expect(put?.body).toEqual([golden]);
  });

  it('answers trigger in the channel and edits that one message as the run progresses', async () => {
    const d = new DiscordDriver(fake);
    await d.invoke('trigger chatops_smoke', { user: snowflake(), roles: [operatorRole] });

    const first = await d.nextReply(60_000);
    await replyWhere(d, (m) => m.title === 'chatops_smoke: success', 150_000);

    const id = d.interactions[0] as string;
    const shown = fake.events.filter((e) => e.interactionId === id);
    expect(first.ephemeral).toBe(false);
    expect(fake.callbacksOf(id)).toEqual([{ type: 5, data: { flags: 0 } }]);
    expect(new Set(shown.map((e) => e.message.id)).size).toBe(1);
    expect(shown.map((e) => e.kind)).toEqual(shown.map(() => 'edit'));
  });

  it('autocompletes dag with the real DAG ids from Airflow', async () => {
    const dags = (await steady(() => airflow.listDags({ pattern: 'chatops', limit: 25 }))).items
      .map((d) => d.dagId)
      .sort();

    const id = fake.autocomplete('trigger', 'dag', 'chatops');
    const answer = await fake.waitFor(() => fake.callbacksOf(id)[0], 10_000, 'autocomplete choices');

    const choices = (answer as { data: { choices: { value: string }[] } }).data.choices.map((c) => c.value).sort();
    expect(choices).toEqual(dags);
    expect(choices).toContain('chatops_smoke');
  });

  it('autocompletes run_id from the runs of the chosen DAG', async () => {
    const runs = (await steady(() => airflow.listDagRuns({ dagId: 'chatops_smoke', limit: 50 }))).items.map(
      (r) => r.runId,
    );

    const id = fake.autocomplete('run', 'run_id', '', { dag: 'chatops_smoke' });
    const answer = await fake.waitFor(() => fake.callbacksOf(id)[0], 10_000, 'autocomplete choices');

    const choices = (answer as { data: { choices: { value: string }[] } }).data.choices.map((c) => c.value);
    expect(choices.length).toBeGreaterThan(0);
    expect(runs).toEqual(expect.arrayContaining(choices));
  });

  it('waits out a 429 on the reply edit and delivers the reply exactly once', async () => {
    const d = new DiscordDriver(fake);
    fake.rateLimitNext(/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, 0.3);

    await d.invoke('status');
    const reply = await d.nextReply(60_000);
    await new Promise((ok) => setTimeout(ok, 500));

    const id = d.interactions[0] as string;
    const token = fake.calls.find((c) => c.path.startsWith(`/interactions/${id}/`))?.path.split('/')[3] as string;
    const edits = fake.calls.filter((c) => c.method === 'PATCH' && c.path.includes(token));
    expect(edits.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.events.filter((e) => e.interactionId === id)).toHaveLength(1);
    expect(reply.title).toMatch(/All services healthy|Needs attention/);
  });

  it('resumes after the gateway drops the connection and keeps answering commands', async () => {
    const d = new DiscordDriver(fake);
    const identifies = fake.identifies;

    fake.dropConnection(4000);
    await fake.waitFor(() => (fake.resumes > 0 ? true : undefined), 30_000, 'a RESUME');
    await d.invoke('dags chatops');
    const reply = await d.nextReply(60_000);

    expect(fake.identifies).toBe(identifies);
    expect(JSON.stringify(reply)).toContain('chatops_smoke');
  });

  it('never logs the bot token', () => {
    expect(bot.output()).not.toContain(fake.token);
  });
});
