// docker-compose-mlops.yml and its lakehouse overlay, validated and resolved by Debian's docker-compose 1.29.2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose, envFile, REPO_ROOT, type ResolvedCompose, resolvedConfig } from '../support/docker-compose.js';

const MAIN = 'docker-compose-mlops.yml';
const LAKEHOUSE = 'docker-compose-lakehouse.yml';
const AIRFLOW = ['airflow-apiserver', 'airflow-scheduler', 'airflow-dag-processor', 'airflow-triggerer'];

describe('docker-compose-mlops.yml', () => {
  // Resolved once with defaults only: each docker-compose run costs about a second on a busy machine.
  let defaults: ResolvedCompose;
  beforeAll(async () => {
    defaults = await resolvedConfig([MAIN], envFile());
  });

  it('passes `docker-compose config -q` with no .env at all (every variable has a default)', async () => {
    const out = await compose([MAIN], envFile(), 'config', '-q');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });

  it('runs Airflow 3 as api-server, scheduler, dag-processor and triggerer on LocalExecutor with Postgres metadata', async () => {
    const cfg = defaults;
    for (const name of AIRFLOW) {
      const s = cfg.services[name];
      expect(s?.image, name).toMatch(/^apache\/airflow:3\./);
      expect(s?.environment?.AIRFLOW__CORE__EXECUTOR, name).toBe('LocalExecutor');
      expect(s?.environment?.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, name).toMatch(
        /^postgresql\+psycopg2:\/\/.*@postgres:5432\//,
      );
      expect(s?.depends_on, name).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'airflow-init': { condition: 'service_completed_successfully' },
      });
    }
    expect(AIRFLOW.map((n) => cfg.services[n]?.command)).toEqual([
      ['api-server'],
      ['scheduler'],
      ['dag-processor'],
      ['triggerer'],
    ]);
  });

  it('publishes Airflow on 8082, MLflow on 5000, Redis on 6379 and the bot on 3000, all on 127.0.0.1 only', async () => {
    const cfg = defaults;
    const published = Object.entries(cfg.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`));
    expect(published).toEqual(
      expect.arrayContaining([
        'airflow-apiserver 127.0.0.1:8082:8080/tcp',
        'mlflow 127.0.0.1:5000:5000/tcp',
        'redis 127.0.0.1:6379:6379/tcp',
        'bot 127.0.0.1:3000:3000/tcp',
      ]),
    );
    for (const p of published) expect(p).toMatch(/^\S+ 127\.0\.0\.1:\d+:\d+\/tcp$/);
  });

  it('gives every service a healthcheck', async () => {
    const cfg = defaults;
    const names = Object.keys(cfg.services).sort();
    expect(names).toEqual([...AIRFLOW, 'airflow-init', 'bot', 'db-init', 'mlflow', 'postgres', 'redis'].sort());
    for (const n of names) expect(cfg.services[n]?.healthcheck?.test, n).toBeTruthy();
  });

  it('mounts ./dags and ./logs into every Airflow container', async () => {
    const cfg = defaults;
    for (const name of [...AIRFLOW, 'airflow-init']) {
      expect(cfg.services[name]?.volumes, name).toEqual(
        expect.arrayContaining([
          `${join(REPO_ROOT, 'dags')}:/opt/airflow/dags:rw`,
          `${join(REPO_ROOT, 'logs')}:/opt/airflow/logs:rw`,
        ]),
      );
    }
  });

  it('builds the bot from the Dockerfile and points it at the services by name', async () => {
    const cfg = defaults;
    const bot = cfg.services.bot;
    expect(bot?.build?.dockerfile).toBe('Dockerfile');
    expect(bot?.environment).toMatchObject({
      AIRFLOW_URL: 'http://airflow-apiserver:8080',
      MLFLOW_URL: 'http://mlflow:5000',
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      COMPOSE_PROJECT: 'mlops',
    });
    expect(JSON.stringify(bot?.healthcheck?.test)).toContain('/healthz');
  });

  it('takes secrets and MLflow storage settings from .env', async () => {
    const cfg = await resolvedConfig(
      [MAIN],
      envFile({
        AIRFLOW_PASSWORD: 'from-dot-env-1',
        POSTGRES_PASSWORD: 'pg-from-dot-env',
        SLACK_BOT_TOKEN: 'xoxb-from-dot-env',
        MLFLOW_ARTIFACTS_DESTINATION: 's3://mlflow-artifacts/prod',
        MLFLOW_S3_ENDPOINT_URL: 'http://minio:9000',
      }),
    );
    expect(cfg.services['airflow-init']?.environment?.AIRFLOW_PASSWORD).toBe('from-dot-env-1');
    expect(cfg.services.bot?.environment).toMatchObject({
      AIRFLOW_PASSWORD: 'from-dot-env-1',
      SLACK_BOT_TOKEN: 'xoxb-from-dot-env',
    });
    expect(cfg.services['airflow-scheduler']?.environment?.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN).toContain(
      ':pg-from-dot-env@',
    );
    expect(cfg.services.postgres?.environment?.POSTGRES_PASSWORD).toBe('pg-from-dot-env');
    expect(cfg.services.mlflow?.environment).toMatchObject({
      MLFLOW_ARTIFACTS_DESTINATION: 's3://mlflow-artifacts/prod',
      MLFLOW_S3_ENDPOINT_URL: 'http://minio:9000',
      PGPASSWORD: 'pg-from-dot-env',
    });
  });

  it('joins the external lakehouse-net only with the overlay, keeping the default network', async () => {
    expect(defaults.networks ?? {}).toEqual({});
    const cfg = await resolvedConfig([MAIN, LAKEHOUSE], envFile());
    expect(cfg.networks?.lakehouse).toEqual({ external: true, name: 'lakehouse-net' });
    for (const name of ['mlflow', 'bot', 'airflow-scheduler']) {
      expect(Object.keys(cfg.services[name]?.networks ?? {}).sort(), name).toEqual(['default', 'lakehouse']);
    }
    const renamed = await resolvedConfig([MAIN, LAKEHOUSE], envFile({ LAKEHOUSE_NETWORK: 'data-platform' }));
    expect(renamed.networks?.lakehouse?.name).toBe('data-platform');
  });

  it('is checked for real: the same validator rejects an unknown key', async () => {
    const broken = readFileSync(join(REPO_ROOT, MAIN), 'utf8').replace('  redis:\n', '  redis:\n    bogus_key: 1\n');
    const path = join(envFile(), '..', 'broken.yml');
    writeFileSync(path, broken);
    const out = await compose([path], envFile(), 'config', '-q');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("services.redis: 'bogus_key'");
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

  it('is multi-stage, runs as a non-root user and checks /healthz on port 3000', () => {
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(text).toMatch(/PORT=3000/);
  });

  it('keeps .env and local state out of the build context', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.env', 'node_modules', 'data', '.git']));
  });
});
