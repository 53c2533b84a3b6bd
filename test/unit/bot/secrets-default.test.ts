import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../../src/app/config.js';
import {
  describeDefaultSecrets,
  findDefaultSecrets,
  isLoopback,
  SECRET_ENV_NAMES,
} from '../../../src/bot/secrets/index.js';

const REMOTE = 'http://airflow-apiserver:8080';
const problemsOf = (env: Record<string, string>) => findDefaultSecrets(loadConfig(env));

describe('findDefaultSecrets', () => {
  it('accepts the local stack as it is: admin/admin against this machine', () => {
    expect(problemsOf({})).toEqual([]);
    for (const url of ['http://localhost:8082', 'http://127.0.0.1:8082', 'http://127.1.2.3', 'http://[::1]:8082'])
      expect(problemsOf({ AIRFLOW_URL: url }), url).toEqual([]);
  });

  it.each([
    ['admin/admin', { AIRFLOW_URL: REMOTE }],
    [
      'airflow/airflow',
      { AIRFLOW_URL: 'http://10.0.0.5:8080', AIRFLOW_USERNAME: 'airflow', AIRFLOW_PASSWORD: 'airflow' },
    ],
  ])('refuses %s against an Airflow on another machine, saying how to fix it', (login, env) => {
    const [problem, ...rest] = problemsOf(env);

    expect(rest).toEqual([]);
    expect(problem).toContain('AIRFLOW_USERNAME and AIRFLOW_PASSWORD');
    expect(problem).toContain(`${login} is the stack's default login`);
    expect(problem).toContain('openssl rand -base64 24');
  });

  it("refuses MLflow's default admin login against a remote MLflow", () => {
    const problems = problemsOf({
      MLFLOW_URL: 'http://mlflow:5000',
      MLFLOW_TRACKING_USERNAME: 'admin',
      MLFLOW_TRACKING_PASSWORD: 'password1234',
    });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('MLFLOW_TRACKING_PASSWORD');
  });

  it.each(['AIRFLOW_PASSWORD', 'MLFLOW_TRACKING_PASSWORD', 'AIRFLOW_WEBHOOK_SECRET', 'MLFLOW_WEBHOOK_SECRET'])(
    'refuses %s ending in -change-me, without echoing it',
    (name) => {
      const problems = problemsOf({ [name]: 'hunter2-change-me' });

      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: still the placeholder`));
      expect(problems[0]).toContain('openssl rand -hex 32');
      expect(problems[0]).not.toContain('hunter2');
    },
  );

  it('refuses a Slack signing secret left at a placeholder', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'changeme' });

    expect(problems).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: still the placeholder/)]);
  });

  it('refuses an empty Fernet key and a placeholder JWT secret from the compose .env, with a way to make each', () => {
    const problems = problemsOf({ AIRFLOW_FERNET_KEY: '', AIRFLOW_JWT_SECRET: 'jwt-change-me' });

    expect(problems).toEqual([
      expect.stringMatching(/^AIRFLOW_FERNET_KEY: empty, yet Airflow encrypts connection passwords with it;/),
      expect.stringMatching(/^AIRFLOW_JWT_SECRET: still the placeholder ending in change-me/),
    ]);
    expect(problems[0]).toContain('Fernet.generate_key()');
    expect(problems[1]).toContain('openssl rand -hex 32');
  });

  it('leaves the compose secrets alone when they are not in the environment, or set to real values', () => {
    expect(problemsOf({ AIRFLOW_FERNET_KEY: '81HqDtbqAywKSOumSha3BhWNOdQ26slT6K0YaZeZyPs=' })).toEqual([]);
    expect(problemsOf({ POSTGRES_PASSWORD: 'b5c1e0f4d2a3' })).toEqual([]);
  });

  it('names every problem in one message, then the way out', () => {
    const problems = problemsOf({ AIRFLOW_URL: REMOTE, POSTGRES_PASSWORD: 'mlops-change-me', AIRFLOW_FERNET_KEY: '' });

    const message = describeDefaultSecrets(problems);

    expect(problems).toHaveLength(3);
    expect(message.split('\n')).toEqual([
      'mlops-bot serve refuses to start with default secrets:',
      ...problems.map((p) => `  - ${p}`),
      'Fix each, or set MLOPS_ALLOW_DEFAULT_SECRETS=true for a throwaway setup.',
    ]);
  });

  it('refuses every secret value .env.example ships with, once Airflow is on another machine', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const shipped = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)]
      .map(([, name = '', value = '']) => [name, value] as const)
      .filter(([name, value]) => (SECRET_ENV_NAMES as readonly string[]).includes(name) && value !== '');

    expect(shipped.length).toBeGreaterThan(0);
    for (const [name, value] of shipped) {
      const problems = problemsOf({ AIRFLOW_URL: REMOTE, [name]: value });
      expect(problems.join('\n'), `${name}=${value}`).toContain(name);
    }
  });
});

describe('MLOPS_ALLOW_DEFAULT_SECRETS', () => {
  it('is off unless set to true, and refuses anything but a boolean', () => {
    expect(loadConfig({}).MLOPS_ALLOW_DEFAULT_SECRETS).toBe(false);
    expect(loadConfig({ MLOPS_ALLOW_DEFAULT_SECRETS: 'true' }).MLOPS_ALLOW_DEFAULT_SECRETS).toBe(true);
    expect(() => loadConfig({ MLOPS_ALLOW_DEFAULT_SECRETS: 'sure' })).toThrow();
  });
});

describe('the compose secrets in the configuration', () => {
  it('are described by presence only', () => {
    const c = loadConfig({ AIRFLOW_FERNET_KEY: '', POSTGRES_PASSWORD: 'pg-real-secret' });

    const shown = JSON.stringify(describeConfig(c));

    expect(shown).toContain('"composeSecrets":{"AIRFLOW_FERNET_KEY":"[empty]","POSTGRES_PASSWORD":"[set]"}');
    expect(shown).not.toContain('pg-real-secret');
  });
});

describe('isLoopback', () => {
  it.each([
    ['http://localhost:8082', true],
    ['http://api.localhost', true],
    ['http://127.0.0.1:8082', true],
    ['http://[::1]:8082', true],
    ['http://10.0.0.5:8080', false],
    ['http://airflow-apiserver:8080', false],
    ['http://127.0.0.1.example.com', false],
    ['not a url', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopback(url)).toBe(loopback);
  });
});
