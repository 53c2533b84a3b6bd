// Every registered verb through real discord.js and the spawned bot, against the real Airflow and MLflow: each answers
// within Discord's rules (the stand-in refuses over-limit messages with 400), and none fails internally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirflowClient } from '../../src/clients/airflow/types.js';
import { FakeDiscord, snowflake } from '../standins/fake-discord.js';
import { airflow3Client } from '../support/airflow-admin.js';
import type { SeenMessage } from '../support/chat-driver.js';
import { replyWhere, steady } from '../support/chat-scenarios.js';
import { type SpawnedBot, spawnDiscordBot } from '../support/discord-bot.js';
import { DiscordDriver } from '../support/discord-driver.js';
import { fetchAgain } from '../support/fetch-again.js';
import { MlflowSeed, uniqueName } from '../support/mlflow-seed.js';
import { DOCKER_HOST } from '../support/services.js';

let fake: FakeDiscord;
let bot: SpawnedBot;
let airflow: AirflowClient;
const seed = new MlflowSeed();
const admin = { user: snowflake(), roles: [] as string[] };
const data = { experiment: '', model: '', runId: '' };

beforeAll(async () => {
  fake = await FakeDiscord.start();
  airflow = airflow3Client();
  data.experiment = uniqueName('discord_exp');
  const experimentId = await seed.experiment(data.experiment);
  const best = await seed.run(experimentId, { name: 'good', metrics: { acc: 0.91 } });
  await seed.run(experimentId, { name: 'worse', metrics: { acc: 0.72 } });
  data.model = await seed.model(uniqueName('discord_model'));
  await seed.version(data.model, best);
  const runs = await steady(() => airflow.listDagRuns({ dagId: 'chatops_smoke', states: ['success'], limit: 1 }));
  data.runId = runs.items[0]?.runId ?? '';
  bot = await spawnDiscordBot({ fake, env: { MLOPS_ADMINS: `discord:${admin.user}`, DOCKER_HOST } });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await seed.cleanup();
});

async function ask(line: string): Promise<SeenMessage> {
  const d = new DiscordDriver(fake);
  await d.invoke(line, admin);
  return d.nextReply(60_000);
}

function answeredWell(m: SeenMessage): void {
  expect(m.text).not.toContain('Something went wrong');
  expect(fake.calls.filter((c) => c.status === 400)).toEqual([]);
}

describe('Discord e2e: every verb answers', () => {
  it.each([
    ['help', /Commands/],
    ['help trigger', /trigger/],
    ['status', /All services healthy|Needs attention/],
    ['dags chatops', /DAG/i],
    ['runs chatops_smoke --limit 3', /chatops_smoke/],
    ['failures', /fail/i],
    ['models', /model/i],
    ['audit --limit 5', /audit|Audit|entries|No/],
    ['subscriptions', /subscri/i],
    ['services', /service|Docker|container/i],
  ])('%s', async (line, expected) => {
    const m = await ask(line);
    answeredWell(m);
    expect(`${m.title ?? ''} ${m.text} ${JSON.stringify(m.fields)}`).toMatch(expected);
  });

  it('run and logs show a finished chatops_smoke run', async () => {
    expect(data.runId).not.toBe('');
    const run = await ask(`run chatops_smoke ${data.runId}`);
    const logs = await ask(`logs chatops_smoke ${data.runId} hello`);

    answeredWell(run);
    expect(run.title).toBe('chatops_smoke: success');
    expect(logs.text).toContain('chatops_smoke: hello');
  });

  it('experiments, best and model read the seeded MLflow data', async () => {
    const experiments = await ask(`experiments ${data.experiment}`);
    const best = await ask(`best ${data.experiment} acc`);
    const model = await ask(`model ${data.model}`);

    for (const m of [experiments, best, model]) answeredWell(m);
    expect(JSON.stringify(experiments)).toContain(data.experiment);
    expect(JSON.stringify(best)).toContain('0.91');
    expect(JSON.stringify(model)).toContain(data.model);
  });

  it('autocompletes experiment, metric and model from the live MLflow data', async () => {
    const choicesOf = async (id: string) => {
      const answer = await fake.waitFor(() => fake.callbacksOf(id)[0], 10_000, 'autocomplete choices');
      return (answer as { data: { choices: { value: string }[] } }).data.choices.map((c) => c.value);
    };

    const experiments = await choicesOf(fake.autocomplete('best', 'experiment', data.experiment.slice(0, 14)));
    const metrics = await choicesOf(fake.autocomplete('best', 'metric', '', { experiment: data.experiment }));
    const models = await choicesOf(fake.autocomplete('model', 'model', data.model));

    expect(experiments).toContain(data.experiment);
    expect(metrics).toEqual(['acc']);
    expect(models).toEqual([data.model]);
  });

  it('promote asks first, then sets the alias in MLflow when confirmed', async () => {
    const d = new DiscordDriver(fake);
    await d.invoke(`promote ${data.model} 1 --alias champion`, admin);
    const preview = await d.nextReply(60_000);
    await d.click('Confirm', admin);
    const done = await d.nextReply(60_000);

    expect(preview.buttons).toEqual(expect.arrayContaining(['Confirm', 'Cancel']));
    answeredWell(done);
    const res = await fetchAgain(
      `${process.env.MLFLOW_URL ?? 'http://127.0.0.1:5000'}/api/2.0/mlflow/registered-models/alias?name=${data.model}&alias=champion`,
    );
    expect(((await res.json()) as { model_version?: { version: string } }).model_version?.version).toBe('1');
  });

  it('pause and unpause flip the DAG in Airflow', async () => {
    const paused = await ask('pause chatops_flaky');
    const afterPause = (await steady(() => airflow.getDag('chatops_flaky'))).isPaused;
    const unpaused = await ask('unpause chatops_flaky');

    answeredWell(paused);
    answeredWell(unpaused);
    expect(afterPause).toBe(true);
    expect((await steady(() => airflow.getDag('chatops_flaky'))).isPaused).toBe(false);
  });

  it('subscribe, mute, unmute and unsubscribe manage this channel', async () => {
    const sub = await ask('subscribe failures chatops_*');
    const id = sub.fields.find((f) => f.label === 'Subscription')?.value;
    const mute = await ask('mute chatops_flaky 1h');
    const unmute = await ask('unmute chatops_flaky');
    const listed = await ask('subscriptions');
    const unsub = await ask(`unsubscribe ${id ?? 'missing'}`);

    for (const m of [sub, mute, unmute, listed, unsub]) answeredWell(m);
    expect(id).toBeDefined();
    expect(JSON.stringify(listed)).toContain('chatops_*');
    expect(unsub.tone).not.toBe('warning');
  });

  it('restart and service-logs answer for a service (Docker may hold none in this project)', async () => {
    const restart = await ask('restart mlflow');
    const logs = await ask('service-logs mlflow --lines 5');

    answeredWell(restart);
    answeredWell(logs);
    if (restart.buttons.includes('Cancel')) {
      const d = new DiscordDriver(fake);
      await d.click('Cancel', admin);
      expect((await replyWhere(d, () => true, 30_000)).text).toContain('Nothing changed');
    }
  });
});
