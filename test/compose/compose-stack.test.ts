// docker-compose-mlops.yml for real: built and started by scripts/compose.sh (npm run compose:up) on the test engine,
// then used as a team would, through the bot inside its container and from a Slack stand-in on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../standins/fake-slack.js';
import { type ComposeStack, type ContainerState, listenersOf, PORTS, prepareStack } from '../support/compose-stack.js';
import { ensureTestEngine, waitFor } from '../support/docker-engine.js';
import { SlackDriver } from '../support/slack-driver.js';

const PROJECT = 'mlopsit';
const ALERTS = 'C0ALERTS';
const ADMIN = 'U0ADMIN';
const SERVICES = [
  'airflow-apiserver',
  'airflow-dag-processor',
  'airflow-init',
  'airflow-scheduler',
  'airflow-triggerer',
  'bot',
  'db-init',
  'mlflow',
  'postgres',
  'redis',
  'seaweedfs',
];
const ONE_SHOTS = ['airflow-init', 'db-init'];

let stack: ComposeStack;
let slack: FakeSlack;
let chat: SlackDriver;
const signingSecret = randomBytes(16).toString('hex');
const airflowPassword = randomBytes(12).toString('hex');

function ready(c: ContainerState): boolean {
  return ONE_SHOTS.includes(c.service)
    ? c.state === 'exited' && c.exitCode === 0
    : c.state === 'running' && c.health === 'healthy';
}

async function bot(...args: string[]) {
  return stack.exec('bot', ['mlops-bot', ...args]);
}

async function airflowToken(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${PORTS.airflow}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: airflowPassword }),
  });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function airflow<T>(path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${PORTS.airflow}/api/v2${path}`, {
    headers: { authorization: `Bearer ${await airflowToken()}` },
  });
  if (!res.ok) throw new Error(`Airflow ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function mlflow<T>(path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${PORTS.mlflow}${path}`);
  if (!res.ok) throw new Error(`MLflow ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function psql(db: string, sql: string): Promise<string> {
  const r = await stack.exec('postgres', ['psql', '-U', 'mlops', '-d', db, '-tAc', sql]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

function runIdOf(output: string): string {
  const m = /Run:\s*(\S+)/.exec(output);
  if (!m) throw new Error(`no run id in:\n${output}`);
  return m[1] as string;
}

beforeAll(async () => {
  const { dockerHost } = await ensureTestEngine();
  slack = new FakeSlack();
  await slack.start();
  stack = await prepareStack({
    dockerHost,
    project: PROJECT,
    settings: {
      AIRFLOW_PASSWORD: airflowPassword,
      AIRFLOW_DAG_REFRESH_INTERVAL: '10',
      SLACK_BOT_TOKEN: 'xoxb-compose-test',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      ALERT_CHANNELS: `slack:${ALERTS}`,
      MLOPS_ADMINS: `slack:${ADMIN}`,
      // An hour between polls: a failure card within minutes can only come from the DAG's push.
      WATCH_INTERVAL: '3600',
      COMMAND_TIMEOUT_MS: '120000',
    },
  });
  // A run interrupted earlier may have left the project behind.
  await stack.script('down', '--volumes');
  const up = await stack.script('up');
  console.log(`compose:up (first) took ${Math.round(up.ms / 1000)} s`);
  expect(up.code, up.output.slice(-6000)).toBe(0);
  chat = new SlackDriver({
    stand: slack,
    mode: 'http',
    eventsUrl: `http://127.0.0.1:${PORTS.bot}/slack/events`,
    signingSecret,
    user: ADMIN,
    channel: 'C0OPS',
  });
}, 60 * 60_000);

afterAll(async () => {
  if (stack) {
    if (process.env.MLOPS_KEEP_COMPOSE !== '1') await stack.script('down', '--volumes');
    rmSync(stack.dir, { recursive: true, force: true });
  }
  await slack?.stop();
}, 10 * 60_000);

describe('the compose stack on the test engine', () => {
  it('brings every service up: one-shots finished, the others healthy', async () => {
    const list = await stack.containers();

    expect(list.map((c) => c.service)).toEqual(SERVICES);
    expect(list.filter((c) => !ready(c)).map((c) => `${c.service} ${c.state} ${c.health}`)).toEqual([]);
  });

  it('listens on 127.0.0.1 only', async () => {
    const running = (await stack.containers()).filter((c) => c.state === 'running');

    const listeners = await listenersOf(running.map((c) => c.pid));

    expect(listeners).toEqual(expect.arrayContaining([`127.0.0.1:${PORTS.airflow}`, `127.0.0.1:${PORTS.bot}`]));
    expect(listeners.filter((l) => !l.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('lists every service healthy with `mlops-bot services` inside the bot container', async () => {
    const r = await bot('services');

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${SERVICES.length} services up`);
    for (const s of SERVICES) expect(r.stdout).toMatch(new RegExp(`✓ ${s}\\b`));
    expect(r.stdout).not.toContain('✗');
  });

  it('trains ml_pipeline_end_to_end in the Airflow containers when the bot in its container triggers it', async () => {
    const r = await bot('trigger', 'ml_pipeline_end_to_end', 'n_estimators=20');
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    const runId = runIdOf(r.stdout);

    const run = await waitFor(
      'the pipeline run to end',
      () => airflow<{ state: string }>(`/dags/ml_pipeline_end_to_end/dagRuns/${encodeURIComponent(runId)}`),
      (x) => x.state === 'success' || x.state === 'failed',
      10 * 60_000,
    );
    expect(run.state).toBe('success');
    // Task logs are written by the Airflow containers into the mounted logs folder.
    const trainLogs = join(stack.logsDir, 'dag_id=ml_pipeline_end_to_end', `run_id=${runId}`, 'task_id=train');
    expect(readdirSync(trainLogs).length).toBeGreaterThan(0);
  });

  it('logs the run to MLflow with Postgres metadata, stores the model on S3 and moves champion', async () => {
    const { model_version: champion } = await mlflow<{
      model_version: { version: string; run_id: string; source: string };
    }>('/api/2.0/mlflow/registered-models/alias?name=ml_pipeline_model&alias=champion');
    const { run } = await mlflow<{
      run: { info: { status: string }; data: { tags: { key: string; value: string }[] } };
    }>(`/api/2.0/mlflow/runs/get?run_id=${champion.run_id}`);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.tags.find((t) => t.key === 'airflow.dag_id')?.value).toBe('ml_pipeline_end_to_end');

    // The metadata is MLflow's Postgres database.
    expect(await psql('mlflow', `SELECT status FROM runs WHERE run_uuid = '${champion.run_id}'`)).toBe('FINISHED');
    expect(
      await psql('mlflow', `SELECT alias FROM registered_model_aliases WHERE version = ${Number(champion.version)}`),
    ).toContain('champion');

    // The artifact: the MLmodel file MLflow serves is the object in s3://lakehouse/mlflow/..., read back over S3.
    const modelId = champion.source.replace(/^models:\//, '');
    const { model } = await mlflow<{ model: { info: { artifact_uri: string } } }>(
      `/api/2.0/mlflow/logged-models/${modelId}`,
    );
    const path = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, '').replace(/^\/+/, '');
    const viaMlflow = await fetch(
      `http://127.0.0.1:${PORTS.mlflow}/api/2.0/mlflow-artifacts/artifacts/${path}/MLmodel`,
    );
    expect(viaMlflow.status).toBe(200);
    const read = await stack.exec('mlflow', [
      'python3',
      '-c',
      'import os, sys, boto3; print(boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"])' +
        '.get_object(Bucket="lakehouse", Key=sys.argv[1])["Body"].read().decode(), end="")',
      `mlflow/${path}/MLmodel`,
    ]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toBe(await viaMlflow.text());
    expect(read.stdout).toContain('sklearn');
  });

  it("pushes the failing DAG's failure to the bot by service name, and its card reaches Slack", async () => {
    const r = await bot('trigger', 'chatops_flaky', 'fail=true');
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    const runId = runIdOf(r.stdout);

    const card = await chat.nextChannelPost(ALERTS, 3 * 60_000);

    expect(card.title).toContain('chatops_flaky');
    expect(JSON.stringify(card.raw)).toContain(runId);
    const botLog = await stack.logs('bot');
    expect(botLog).toMatch(/"msg":"airflow webhook"/);
    expect(botLog).toContain(`"run":"${runId}"`);
  });

  it('restarts airflow-scheduler from chat and it comes back healthy', async () => {
    const before = (await stack.containers()).find((c) => c.service === 'airflow-scheduler');

    await chat.invoke('restart airflow-scheduler');
    const preview = await chat.nextReply(60_000);
    expect(preview.title).toBe('Restart airflow-scheduler?');
    await chat.click('Confirm');
    const done = await chat.nextReply(120_000);

    expect(done.title).toMatch(/^airflow-scheduler restarted/);
    const after = await waitFor(
      'airflow-scheduler healthy again',
      async () => (await stack.containers()).find((c) => c.service === 'airflow-scheduler'),
      (c) => c?.health === 'healthy' && c.pid !== before?.pid,
      5 * 60_000,
    );
    expect(after?.state).toBe('running');
    await chat.invoke('services');
    const services = await chat.nextReply(60_000);
    expect(services.fields.map((f) => f.label)).toContain('✓ airflow-scheduler');
  });

  it('keeps Postgres data and the bot state across compose:down and compose:up', async () => {
    const versions = await psql('mlflow', "SELECT count(*) FROM model_versions WHERE name = 'ml_pipeline_model'");
    const audit = await bot('audit');
    expect(audit.stdout).toContain('restart airflow-scheduler');

    const down = await stack.script('down');
    expect(down.code, down.output.slice(-4000)).toBe(0);
    expect(await stack.containers()).toEqual([]);
    const up = await stack.script('up');
    console.log(`compose:up (after down, images cached) took ${Math.round(up.ms / 1000)} s`);
    expect(up.code, up.output.slice(-6000)).toBe(0);
    expect(up.output).not.toContain(': building');

    expect(await psql('mlflow', "SELECT count(*) FROM model_versions WHERE name = 'ml_pipeline_model'")).toBe(versions);
    const again = await bot('audit');
    expect(again.stdout).toContain('restart airflow-scheduler');
    expect(existsSync(stack.envFile)).toBe(true);
    expect(readFileSync(stack.envFile, 'utf8')).not.toMatch(/=change-me$/m);
  });
});
