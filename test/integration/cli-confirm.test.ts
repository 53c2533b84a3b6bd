// The one-shot CLI asks y/N on a terminal: run it under a real pseudo-terminal (util-linux `script`) against the
// real MLflow and check the alias moves only after `y`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAgain } from '../support/fetch-again.js';
import { MlflowSeed, uniqueName } from '../support/mlflow-seed.js';
import { MLFLOW_URL } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'mlops-cli-confirm-'));
const seed = new MlflowSeed();
let model: string;

beforeAll(async () => {
  const exp = await seed.experiment(uniqueName('cli_confirm'));
  const a = await seed.run(exp, { name: 'a' });
  const b = await seed.run(exp, { name: 'b' });
  model = await seed.model(uniqueName('cli_confirm_model'));
  await seed.version(model, a);
  await seed.version(model, b);
  await seed.alias(model, 'champion', '1');
});

afterAll(async () => {
  await seed.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function champion(): Promise<string> {
  const res = await fetchAgain(
    `${MLFLOW_URL}/api/2.0/mlflow/registered-models/alias?name=${encodeURIComponent(model)}&alias=champion`,
  );
  const body = (await res.json()) as { model_version: { version: string } };
  return String(body.model_version.version);
}

function cliEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    STATE_PATH: join(dir, 'state.db'),
    MLFLOW_URL,
    // promote needs no Airflow: port 1 refuses, so a stray call would show as an error.
    AIRFLOW_URL: 'http://127.0.0.1:1',
    MLOPS_BOT_FROM_SOURCE: '1',
  };
}

/** stdin from a pipe, as in a script or CI job. */
function withoutTerminal(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/mlops-bot.js', ...args], {
    env: cliEnv(),
    input: '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `mlops-bot <args>` with a terminal as stdin and stdout; types `answer` + Enter at the y/N prompt. */
function underTerminal(args: string[], answer: string): Promise<{ code: number | null; out: string }> {
  const cmd = [process.execPath, 'bin/mlops-bot.js', ...args].map(sh).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    env: { ...cliEnv(), TERM: 'dumb' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let answered = false;
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (!answered && out.includes('Proceed? [y/N]')) {
      answered = true;
      // A terminal sends CR for Enter; the line discipline turns it into a newline.
      child.stdin.write(`${answer}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 60 s; output so far:\n${out}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.replaceAll('\r\n', '\n') });
    });
  });
}

describe('mlops-bot promote on a terminal', () => {
  it('shows the preview, and on n says nothing changed, exits 1 and leaves the alias', async () => {
    const r = await underTerminal(['promote', model, '2'], 'n');
    expect(r.out).toContain(`Point champion of ${model} at v2?`);
    expect(r.out).toMatch(/Now\W+v1/);
    expect(r.out).toContain('Cancelled. Nothing changed.');
    expect(r.out).not.toContain('needs confirmation');
    // The question replaces the chat buttons.
    expect(r.out).not.toMatch(/\[Confirm\]|\[Cancel\]/);
    expect(r.code).toBe(1);
    expect(await champion()).toBe('1');
  });

  it('without a terminal refuses with exit 2, naming the line to run, and leaves the alias', async () => {
    const r = withoutTerminal(['promote', model, '2']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('This command needs confirmation: run it again with --yes.');
    expect(r.out).toContain(`[Confirm] → promote ${model} 2 --yes`);
    expect(r.out).not.toContain('[Cancel]');
    expect(await champion()).toBe('1');
  });

  it('on y moves the alias, prints the result and exits 0', async () => {
    const r = await underTerminal(['promote', model, '2'], 'y');
    expect(r.out).toContain('Proceed? [y/N]');
    expect(r.out).toContain(`${model} champion → v2`);
    expect(r.out).toContain('Roll back to v1');
    expect(r.code).toBe(0);
    expect(await champion()).toBe('2');
  });

  it('with --yes and no terminal runs at once: the rollback', async () => {
    const r = withoutTerminal(['promote', model, '1', '--yes']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${model} champion → v1`);
    expect(r.out).not.toContain('Proceed?');
    expect(await champion()).toBe('1');
  });
});
