import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShellHistory, looksSecret } from '../../../../src/adapters/console/shell-history.js';

const dir = mkdtempSync(join(tmpdir(), 'mlops-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Port 1 refuses connections, so nothing here can reach a real service.
function env(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    STATE_PATH: join(home, 'state.db'),
    AIRFLOW_URL: 'http://127.0.0.1:1',
    MLFLOW_URL: 'http://127.0.0.1:1',
    HTTP_TIMEOUT_MS: '2000',
    MLOPS_BOT_FROM_SOURCE: '1',
    ...extra,
  };
}

function shell(home: string, input: string, extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/mlops-bot.js', 'shell'], {
    env: env(home, extra),
    encoding: 'utf8',
    timeout: 30_000,
    input,
  });
  return { code: r.status, out: r.stdout };
}

describe('shell history file', () => {
  it('keeps the newest lines up to the cap, oldest dropped, newest first for readline', () => {
    const path = join(dir, 'cap', 'history');
    const h = createShellHistory({ path, max: 3 });
    expect(h.load()).toEqual([]);
    for (const l of ['dags', 'runs a', 'runs a', 'runs b', 'status']) h.record(l);
    h.close();
    expect(readFileSync(path, 'utf8')).toBe('runs a\nruns b\nstatus\n');
    expect(createShellHistory({ path, max: 3 }).load()).toEqual(['status', 'runs b', 'runs a']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never writes a line holding a secret-looking word or token', () => {
    const path = join(dir, 'secrets');
    const h = createShellHistory({ path, max: 100 });
    const secret = [
      `trigger train conf='{"password": "hunter2"}'`,
      'subscribe airflow.failures token=abc',
      'run x xoxb-1234-5678-abcdef',
      'trigger t url=http://bob:pw@10.0.0.1/x',
      'trigger t jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.x',
    ];
    for (const l of [...secret, 'dags']) h.record(l);
    expect(readFileSync(path, 'utf8')).toBe('dags\n');
    expect(secret.every(looksSecret)).toBe(true);
    expect(looksSecret('trigger train_model n_estimators=200')).toBe(false);
  });

  it('survives a history file it cannot write', () => {
    const h = createShellHistory({ path: join(dir, 'nope', '\0bad'), max: 10 });
    expect(h.load()).toEqual([]);
    expect(() => h.record('dags')).not.toThrow();
  });
});

describe('mlops-bot shell history across sessions', () => {
  it('shows the first session’s lines in the second, without the secret one, in ~/.mlops-bot_history', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const first = shell(home, `help runs\ntrigger chatops_smoke conf='{"password": "hunter2"}'\ndags\nexit\n`);
    expect(first.code).toBe(0);
    const file = join(home, '.mlops-bot_history');
    expect(readFileSync(file, 'utf8')).toBe('help runs\ndags\n');

    const second = shell(home, 'history\nstatus\nhistory 1\n');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/ {4}1 {2}help runs\n {4}2 {2}dags\n/);
    expect(second.out).toMatch(/ {4}3 {2}status\n/);
    expect(second.out).not.toContain('hunter2');
    expect(readFileSync(file, 'utf8')).toBe('help runs\ndags\nstatus\n');
  }, 30_000);

  it('writes to HISTORY_PATH when set and trims an oversized file to 1000 lines', () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const path = join(home, 'elsewhere', 'hist');
    shell(home, 'help\n', { HISTORY_PATH: path });
    writeFileSync(path, `${Array.from({ length: 1200 }, (_, i) => `runs dag_${i}`).join('\n')}\n`);
    const r = shell(home, 'history 2\n', { HISTORY_PATH: path });
    expect(r.out).toContain(' 999  runs dag_1198\n 1000  runs dag_1199\n');
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1000);
  }, 30_000);

  it('recalls the previous session’s last line with the up arrow on a terminal', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    shell(home, 'dags\nhelp runs\nexit\n');
    const cmd = `'${process.execPath}' bin/mlops-bot.js shell`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      // TERM=dumb would turn off readline's history keys.
      env: { ...env(home), TERM: 'xterm' },
    });
    let out = '';
    const steps: [string, string][] = [
      ['mlops> ', '\u001b[A\r'],
      ['runs <dag> [--state', 'exit\r'],
    ];
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const [wait, send] = steps[0] ?? [];
      if (wait && send && out.includes(wait)) {
        steps.shift();
        child.stdin.write(send);
      }
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(out).toContain('runs <dag> [--state <queued|running|success|failed>] [--limit <n>]');
    expect(code).toBe(0);
  }, 30_000);
});
