/**
 * bench/watch-cost: what an idle poll of the failure watcher costs against a real Airflow 3 with 10 and with 200 DAGs.
 * Starts a throwaway Airflow API server per size (own AIRFLOW_HOME under /tmp, generated DAG folder, port 8099) from
 * the stack's cached venv, runs the watcher's idle poll 20 times, and prints HTTP requests and latency per poll.
 * Usage: npx tsx bench/watch-cost.ts   (needs `npm run stack:up` to have built the Airflow venv once)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axios, { type AxiosAdapter, getAdapter } from 'axios';
import { pino } from 'pino';
import { createAirflowClient } from '../src/clients/airflow/airflow-client.js';
import { createAirflowFailureWatcher } from '../src/scheduler/watchers/airflow-failures.js';

const PORT = 8099;
const venv = execFileSync('bash', ['scripts/mlops-services.sh', 'venv-path', 'airflow3'], { encoding: 'utf8' }).trim();
const airflowBin = join(venv, 'bin', 'airflow');

function env(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: join(home, 'dags'),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: join(home, 'passwords.json'),
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${home}/airflow.db`,
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(PORT),
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__BASE_URL: `http://127.0.0.1:${PORT}`,
    AIRFLOW__API_AUTH__JWT_SECRET: 'bench-only-secret',
  };
}

function generateDags(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const id = `bench_dag_${String(i).padStart(3, '0')}`;
    writeFileSync(
      join(dir, `${id}.py`),
      `from datetime import datetime\nfrom airflow.sdk import DAG\nfrom airflow.providers.standard.operators.empty import EmptyOperator\n\nwith DAG(dag_id="${id}", schedule=None, start_date=datetime(2025, 1, 1), catchup=False, tags=["bench"]):\n    EmptyOperator(task_id="noop")\n`,
    );
  }
}

async function waitHealthy(proc: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`api-server exited with ${proc.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${PORT}/api/v2/monitor/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('api-server did not become healthy');
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

async function measure(n: number): Promise<{ dags: number; requestsPerPoll: number[]; p50: number; p95: number }> {
  const home = `/tmp/mlops-bench-${n}`;
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'passwords.json'), '{"admin": "admin"}');
  generateDags(join(home, 'dags'), n);
  const e = env(home);
  execFileSync(airflowBin, ['db', 'migrate'], { env: e, stdio: 'ignore' });
  execFileSync(airflowBin, ['dags', 'reserialize'], { env: e, stdio: 'ignore' });
  const api = spawn(airflowBin, ['api-server', '--port', String(PORT)], { env: e, stdio: 'ignore', detached: true });
  try {
    await waitHealthy(api, 180_000);
    let count = 0;
    const http = getAdapter(axios.defaults.adapter);
    const counting: AxiosAdapter = (config) => {
      count++;
      return http(config);
    };
    const airflow = createAirflowClient({
      baseUrl: `http://127.0.0.1:${PORT}`,
      username: 'admin',
      password: 'admin',
      apiVersion: 'v2',
      adapter: counting,
    });
    const listed = await airflow.listDags({ limit: 1 });
    const watcher = createAirflowFailureWatcher({ airflow });
    const log = pino({ level: 'silent' });
    let cursor: string | undefined;
    // The first poll also fetches a token; measure the steady state after it.
    cursor = (await watcher.check({ cursor, now: new Date(), log, signal: AbortSignal.timeout(30_000) })).cursor;
    const requestsPerPoll: number[] = [];
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      count = 0;
      const t0 = performance.now();
      const out = await watcher.check({ cursor, now: new Date(), log, signal: AbortSignal.timeout(30_000) });
      latencies.push(performance.now() - t0);
      cursor = out.cursor;
      requestsPerPoll.push(count);
    }
    return { dags: listed.total, requestsPerPoll, p50: pct(latencies, 50), p95: pct(latencies, 95) };
  } finally {
    if (api.pid) process.kill(-api.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
    rmSync(home, { recursive: true, force: true });
  }
}

const results = [];
for (const n of [10, 200]) results.push(await measure(n));
for (const r of results) {
  const uniq = [...new Set(r.requestsPerPoll)].join('/');
  console.log(
    `dags=${r.dags}  requests/idle poll=${uniq}  poll latency p50=${r.p50.toFixed(1)} ms p95=${r.p95.toFixed(1)} ms`,
  );
}
const [a, b] = results;
console.log(
  `requests per idle poll equal for 10 and 200 DAGs: ${a && b && a.requestsPerPoll.join() === b.requestsPerPoll.join() ? 'yes' : 'NO'}`,
);

// ---- Failure-to-post latency, push and poll paths: the real bot, the real Airflow 3 stack, the Slack stand-in. ----
// Runs when the local stack is up (npm run stack:up); skipped with --requests-only.
if (!process.argv.includes('--requests-only')) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { FakeSlack } = await import('../test/standins/fake-slack.js');
  const { freePort, startBot, SLACK_OPERATOR, SLACK_SECRET } = await import('../test/support/bot-process.js');
  const { SlackDriver } = await import('../test/support/slack-driver.js');
  const { airflow3Client, setVariable, uniqueRunId, waitFor } = await import('../test/support/airflow-admin.js');
  const airflow = airflow3Client();
  const SAMPLES = Number(process.env.LATENCY_SAMPLES ?? 5);

  async function latencies(path: 'push' | 'poll'): Promise<number[]> {
    const slack = new FakeSlack();
    await slack.start();
    const port = await freePort();
    const bot = await startBot({
      port,
      statePath: join(mkdtempSync(join(tmpdir(), 'mlops-bench-')), 'state.db'),
      slack,
      env: {
        WATCH_INTERVAL: path === 'poll' ? '10' : '86400',
        WATCH_LOOKBACK: '0',
        AIRFLOW_WEBHOOK_SECRET: 'bench-secret',
        MLOPS_OPERATORS: `slack:${SLACK_OPERATOR}`,
        LOG_LEVEL: 'warn',
      },
    });
    const out: number[] = [];
    try {
      const driver = new SlackDriver({
        stand: slack,
        mode: 'http',
        eventsUrl: `${bot.url}/slack/events`,
        signingSecret: SLACK_SECRET,
        user: SLACK_OPERATOR,
        channel: 'CBENCH',
      });
      await driver.slash('subscribe failures chatops_flaky');
      await setVariable('chatops_flaky_fail', 'true');
      await setVariable('MLOPS_BOT_WEBHOOK_URL', path === 'push' ? `${bot.url}/webhooks/airflow` : '');
      await setVariable('MLOPS_BOT_WEBHOOK_SECRET', 'bench-secret');
      for (let i = 0; i < SAMPLES; i++) {
        const runId = uniqueRunId(`bench_${path}`);
        await airflow.triggerDagRun('chatops_flaky', { runId });
        const run = await waitFor(
          'failure',
          () => airflow.getDagRun('chatops_flaky', runId),
          (r) => r.state === 'failed',
          150_000,
          250,
        );
        const card = await slack.waitFor(
          // From the third failure within the hour the card is updated with a counter instead of a new post.
          (c) =>
            (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
            JSON.stringify(c.body.blocks ?? '').includes(runId),
          60_000,
        );
        out.push(card.at - (run.endDate?.getTime() ?? card.at));
      }
    } finally {
      await setVariable('MLOPS_BOT_WEBHOOK_URL', '');
      await bot.stop();
      await slack.stop();
    }
    return out;
  }

  for (const path of ['push', 'poll'] as const) {
    const xs = await latencies(path);
    console.log(
      `${path} path (${path === 'poll' ? 'WATCH_INTERVAL=10 s' : 'DAG callback'}): failure-to-post p50=${pct(xs, 50)} ms p95=${pct(xs, 95)} ms (n=${xs.length}; run end_date to chat.postMessage)`,
    );
  }
}
