import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'mlops-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Port 1 refuses connections, so nothing here can reach a real service.
function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, ['bin/mlops-bot.js', ...args], {
    env: {
      HOME: dir,
      STATE_PATH: join(dir, 'state.db'),
      AIRFLOW_URL: 'http://127.0.0.1:1',
      MLFLOW_URL: 'http://127.0.0.1:1',
      HTTP_TIMEOUT_MS: '2000',
      MLOPS_BOT_FROM_SOURCE: '1',
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
    input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('mlops-bot one-shot', () => {
  it('answers help with exit 0', () => {
    const r = cli(['help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('trigger <dag> [key=value ...]');
  });

  it('exits 2 on an unknown verb and suggests the closest', () => {
    const r = cli(['tirgger', 'train_model']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Did you mean trigger?');
  });

  it('exits 2 on a missing argument, showing usage', () => {
    const r = cli(['logs', 'train_model']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Missing <run_id> <task>');
  });

  it('exits 1 when Airflow is down, naming it and its URL', () => {
    const r = cli(['dags']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Airflow at http://127.0.0.1:1 is unreachable');
  });

  it('keeps warnings out of the terminal: the reply already says Docker is down, stderr stays empty', () => {
    const r = cli(['status'], { DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}` });
    expect(r.out).toContain('is unreachable');
    expect(r.out).toMatch(/Containers:\s+Docker at unix:\/\/\S+no-docker.sock is unreachable/);
    expect(r.err).toBe('');
  });

  it('prints every configuration problem and exits 2', () => {
    const r = cli(['help'], { AIRFLOW_URL: 'nope', HTTP_TIMEOUT_MS: 'soon' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/AIRFLOW_URL/);
    expect(r.err).toMatch(/HTTP_TIMEOUT_MS/);
  });

  it('keeps quoted words intact from argv', () => {
    const r = cli(['run', 'train_model', 'a b']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('run_id: not a valid run id');
  });
});

describe('mlops-bot shell', () => {
  it('runs lines until exit, surviving errors, and refuses a confirm step without a terminal', () => {
    const r = cli(['shell'], {}, 'help runs\ndags\nretry train_model r1 --bogus\nexit\nhelp\n');
    expect(r.code).toBe(0);
    expect(r.out).toContain('runs <dag> [--state <queued|running|success|failed>] [--limit <n>]');
    expect(r.out).toContain('Airflow at http://127.0.0.1:1 is unreachable');
    expect(r.out).toContain('Unknown option --bogus');
    // Nothing after `exit` runs.
    expect(r.out.match(/Commands/g)).toBeNull();
  });

  it('ends on a new line when the input ends without exit', () => {
    const r = cli(['shell'], {}, 'help pause\n');
    expect(r.code).toBe(0);
    expect(r.out.endsWith('mlops> \n')).toBe(true);
  });
});

describe('mlops-bot serve', () => {
  it('exits 2 before connecting anywhere when secrets are at their defaults, naming each and its fix', () => {
    // Never contacted: the refusal comes before any client exists.
    const r = cli(['serve'], { AIRFLOW_URL: 'http://airflow-apiserver:8080', AIRFLOW_JWT_SECRET: 'jwt-change-me' });

    expect(r.code).toBe(2);
    expect(r.err).toContain('mlops-bot serve refuses to start with default secrets:');
    expect(r.err).toContain('  - AIRFLOW_USERNAME and AIRFLOW_PASSWORD: admin/admin is the stack');
    expect(r.err).toContain('  - AIRFLOW_JWT_SECRET: still the placeholder ending in change-me');
    expect(r.err).toContain('MLOPS_ALLOW_DEFAULT_SECRETS=true');
    expect(r.out).toBe('');
  });

  it('runs one-shot verbs with the same defaults: only serve refuses them', () => {
    const r = cli(['help'], { AIRFLOW_URL: 'http://airflow-apiserver:8080', AIRFLOW_JWT_SECRET: 'jwt-change-me' });

    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});
