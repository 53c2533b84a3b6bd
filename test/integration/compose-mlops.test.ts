// docker-compose-mlops.yml and its lakehouse overlay, validated and resolved by Debian's docker-compose 1.29.2, and
// the host-network variant scripts/compose-hostnet.py makes of it. test/compose/ runs the stack itself.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose, envFile, REPO_ROOT, type ResolvedCompose, resolvedConfig } from '../support/docker-compose.js';

const run = promisify(execFile);

const MAIN = 'docker-compose-mlops.yml';
const LAKEHOUSE = 'docker-compose-lakehouse.yml';
const AIRFLOW = ['airflow-apiserver', 'airflow-scheduler', 'airflow-dag-processor', 'airflow-triggerer'];
const ONE_SHOTS = ['airflow-init', 'db-init'];

async function hostnet(cfg: ResolvedCompose, offset: number, profiles: string): Promise<ResolvedCompose> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'python3',
      [join(REPO_ROOT, 'scripts/compose-hostnet.py'), '--offset', String(offset), '--profiles', profiles],
      (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(JSON.parse(stdout))),
    );
    child.stdin?.end(JSON.stringify(cfg));
  });
}

/** airflow-init's secret check: its command up to the first step that touches the file system, unescaped. */
function initScript(cfg: ResolvedCompose): string {
  const command = cfg.services['airflow-init']?.command;
  const text = (Array.isArray(command) ? command[0] : command) ?? '';
  return text.slice(0, text.indexOf('mkdir')).replaceAll('$$', '$');
}

async function bash(script: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const r = await run('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    return { code: 0, output: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('docker-compose-mlops.yml', () => {
  // Resolved once with defaults only: each docker-compose run costs about a second on a busy machine.
  let defaults: ResolvedCompose;
  beforeAll(async () => {
    defaults = await resolvedConfig([MAIN], envFile());
  });

  it('passes `docker-compose config -q` with an env file that sets nothing (every variable has a default)', async () => {
    const out = await compose([MAIN], envFile(), 'config', '-q');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });

  it('will not resolve without the env file the bot reads', async () => {
    const out = await compose([MAIN], envFile({ MLOPS_ENV_FILE: '/nonexistent/.env' }), 'config', '-q');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("Couldn't find env file: /nonexistent/.env");
  });

  it('lists every variable the compose files read in .env.example', () => {
    const example = new Set(readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').match(/^[A-Z0-9_]+(?==)/gm));
    const read = [MAIN, LAKEHOUSE].flatMap((f) =>
      [
        ...readFileSync(join(REPO_ROOT, f), 'utf8')
          .replace(/^\s*#.*$/gm, '')
          .matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g),
      ].map((m) => m[1] as string),
    );
    expect(read.length).toBeGreaterThan(30);
    expect([...new Set(read)].filter((v) => !example.has(v))).toEqual([]);
  });

  it('lists every variable the bot reads in .env.example', () => {
    const example = new Set(readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').match(/^[A-Z0-9_]+(?==)/gm));
    const schema = readFileSync(join(REPO_ROOT, 'src/app/config.ts'), 'utf8');
    const read = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
    expect(read).toContain('AIRFLOW_URL');
    expect(read.filter((v) => v !== 'NODE_ENV' && !example.has(v))).toEqual([]);
  });

  it('runs Airflow 3 as api-server, scheduler, dag-processor and triggerer on LocalExecutor with Postgres metadata', async () => {
    const cfg = defaults;
    for (const name of AIRFLOW) {
      const s = cfg.services[name];
      expect(s?.image, name).toBe('mlops-bot/airflow:3.2.2');
      expect(s?.build, name).toMatchObject({
        context: REPO_ROOT.replace(/\/$/, ''),
        dockerfile: 'docker/airflow/Dockerfile',
        args: { PYTHON_BASE: 'python:3.11-slim-bookworm' },
      });
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
      ['scheduler', '--skip-serve-logs'],
      ['dag-processor'],
      ['triggerer', '--skip-serve-logs'],
    ]);
  });

  it('builds MLflow from the repository on a Python base given as a build argument', async () => {
    expect(defaults.services.mlflow?.image).toBe('mlops-bot/mlflow:3.17.2');
    expect(defaults.services.mlflow?.build).toMatchObject({
      dockerfile: 'docker/mlflow/Dockerfile',
      args: { PYTHON_BASE: 'python:3.11-slim-bookworm' },
    });
    const cfg = await resolvedConfig(
      [MAIN],
      envFile({ PYTHON_BASE: 'local/python:test', NODE_BASE: 'local/node:test' }),
    );
    expect(cfg.services.mlflow?.build).toMatchObject({ args: { PYTHON_BASE: 'local/python:test' } });
    expect(cfg.services.bot?.build).toMatchObject({ args: { NODE_BASE: 'local/node:test' } });
  });

  it('stores MLflow artifacts in s3://lakehouse/mlflow on the bundled SeaweedFS, which COMPOSE_PROFILES can leave out', async () => {
    expect(defaults.services.mlflow?.environment).toMatchObject({
      MLFLOW_ARTIFACTS_DESTINATION: 's3://lakehouse/mlflow',
      MLFLOW_S3_ENDPOINT_URL: 'http://seaweedfs:8333',
    });
    expect(defaults.services.seaweedfs?.profiles).toEqual(['seaweedfs']);
    expect(defaults.services.seaweedfs?.volumes).toEqual(['seaweedfs-data:/data:rw']);
    expect(defaults.services.mlflow?.depends_on).not.toHaveProperty('seaweedfs');
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
        'seaweedfs 127.0.0.1:8333:8333/tcp',
      ]),
    );
    for (const p of published) expect(p).toMatch(/^\S+ 127\.0\.0\.1:\d+:\d+\/tcp$/);
  });

  it('gives every long-running service a healthcheck; the one-shots run once', async () => {
    const cfg = defaults;
    const names = Object.keys(cfg.services).sort();
    expect(names).toEqual(
      [...AIRFLOW, 'airflow-init', 'bot', 'db-init', 'mlflow', 'postgres', 'redis', 'seaweedfs'].sort(),
    );
    for (const n of names.filter((n) => !ONE_SHOTS.includes(n))) {
      expect(cfg.services[n]?.healthcheck?.test, n).toBeTruthy();
      expect(cfg.services[n]?.restart, n).toBe('unless-stopped');
    }
    for (const n of ONE_SHOTS) expect(cfg.services[n]?.restart, n).toBe('no');
  });

  it('refuses to initialise Airflow while a secret keeps its placeholder, naming it', async () => {
    const script = initScript(defaults);
    const refused = await bash(script, {
      SECRETS_TO_CHECK: 'POSTGRES_PASSWORD=3f9a AIRFLOW_FERNET_KEY=change-me AIRFLOW_JWT_SECRET=',
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('refusing to start: set AIRFLOW_FERNET_KEY AIRFLOW_JWT_SECRET in .env');
  });

  it('sends failure pushes to the bot by its service name, signed with the one secret the bot checks', async () => {
    const cfg = await resolvedConfig([MAIN], envFile({ AIRFLOW_WEBHOOK_SECRET: 'shared-hmac-1' }));
    for (const name of AIRFLOW) {
      const url = new URL(cfg.services[name]?.environment?.MLOPS_BOT_WEBHOOK_URL ?? '');
      expect(url.hostname, name).toBe('bot');
      expect(cfg.services[url.hostname]?.environment?.PORT, name).toBe(url.port);
      expect(url.pathname).toBe('/webhooks/airflow');
      expect(cfg.services[name]?.environment?.MLOPS_BOT_WEBHOOK_SECRET, name).toBe('shared-hmac-1');
    }
    expect(cfg.services.bot?.environment?.AIRFLOW_WEBHOOK_SECRET).toBe('shared-hmac-1');
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

  it('mounts no test DAG: chatops_smoke and chatops_flaky live in test/dags', () => {
    expect(readdirSync(join(REPO_ROOT, 'dags')).filter((f) => f.startsWith('chatops_'))).toEqual([]);
    expect(readdirSync(join(REPO_ROOT, 'test', 'dags')).sort()).toEqual(['chatops_flaky.py', 'chatops_smoke.py']);
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

  it('hands the bot the whole .env, with the in-stack addresses and the project name winning over it', async () => {
    const cfg = await resolvedConfig(
      [MAIN],
      envFile({
        COMPOSE_PROJECT_NAME: 'team-ml',
        AIRFLOW_URL: 'http://localhost:8082',
        MLOPS_OPERATORS: 'slack:U0OPS',
        WATCH_INTERVAL: '60',
      }),
    );
    expect(cfg.services.bot?.environment).toMatchObject({
      AIRFLOW_URL: 'http://airflow-apiserver:8080',
      COMPOSE_PROJECT: 'team-ml',
      MLOPS_OPERATORS: 'slack:U0OPS',
      WATCH_INTERVAL: '60',
    });
  });

  it('mounts the Docker socket read-only into the bot and adds only its group', async () => {
    const cfg = await resolvedConfig([MAIN], envFile({ DOCKER_GID: '994', DOCKER_SOCKET: '/run/docker.sock' }));
    expect(cfg.services.bot?.volumes).toContain('/run/docker.sock:/var/run/docker.sock:ro');
    expect(cfg.services.bot?.group_add).toEqual(['994']);
    expect(cfg.services.bot?.user).toBeUndefined();
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

  describe('its host-network variant (scripts/compose-hostnet.py)', () => {
    let variant: ResolvedCompose;
    const LOCAL_STACK_PORTS = [8082, 5000, 8092, 8793, 8794, 8974, 6379, 5432, 3000];
    beforeAll(async () => {
      variant = await hostnet(defaults, 10_000, 'seaweedfs');
    });

    it('puts every service on the host network with no published port, each service name mapped to 127.0.0.1', () => {
      const names = Object.keys(defaults.services).sort();
      expect(Object.keys(variant.services).sort()).toEqual(names);
      for (const [name, s] of Object.entries(variant.services)) {
        expect(s.network_mode, name).toBe('host');
        expect(s.ports, name).toBeUndefined();
        expect(s.networks, name).toBeUndefined();
        expect(s.extra_hosts, name).toEqual(names.map((n) => `${n}:127.0.0.1`));
      }
    });

    it('binds every listener to 127.0.0.1 on a port off the local stack, and moves references with it', () => {
      const env = (n: string) => variant.services[n]?.environment ?? {};
      expect(env('airflow-apiserver')).toMatchObject({ AIRFLOW__API__HOST: '127.0.0.1', AIRFLOW__API__PORT: '18082' });
      expect(env('airflow-scheduler')).toMatchObject({
        AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST: '127.0.0.1',
        AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT: '18974',
      });
      expect(env('mlflow')).toMatchObject({ MLFLOW_HOST: '127.0.0.1', MLFLOW_PORT: '15000' });
      expect(env('bot')).toMatchObject({
        HOST: '127.0.0.1',
        PORT: '13000',
        AIRFLOW_URL: 'http://airflow-apiserver:18082',
        MLFLOW_URL: 'http://mlflow:15000',
      });
      expect(variant.services.postgres?.command).toEqual([
        'postgres',
        '-c',
        'listen_addresses=127.0.0.1',
        '-p',
        '15432',
      ]);
      expect(variant.services.redis?.command).toEqual(
        expect.arrayContaining(['--bind', '127.0.0.1', '--port', '16379']),
      );
      expect(variant.services.seaweedfs?.command).toEqual(
        expect.arrayContaining(['-ip.bind=127.0.0.1', '-s3.port=18333', '-master.port=19333', '-volume.port=18080']),
      );
      expect(env('airflow-scheduler')).toMatchObject({
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: expect.stringContaining('@postgres:15432/'),
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL: 'http://airflow-apiserver:18082/execution/',
        MLOPS_BOT_WEBHOOK_URL: 'http://bot:13000/webhooks/airflow',
        MLFLOW_TRACKING_URI: 'http://mlflow:15000',
      });
      expect(env('mlflow').MLFLOW_S3_ENDPOINT_URL).toBe('http://seaweedfs:18333');
      expect(JSON.stringify(variant.services.bot?.healthcheck?.test)).toContain('http://127.0.0.1:13000/healthz');

      expect((variant as { 'x-listen-ports'?: number[] })['x-listen-ports']).toEqual([
        13000, 15000, 15432, 16379, 18080, 18082, 18333, 18888, 18974, 19333, 28080, 28333, 28888, 29333,
      ]);
      const text = JSON.stringify(variant);
      for (const port of LOCAL_STACK_PORTS) expect(text, String(port)).not.toMatch(new RegExp(`[:=]${port}\\b`));
      expect(text).not.toContain('0.0.0.0');
    });

    it('leaves out the services of a profile that is not active', async () => {
      const without = await hostnet(defaults, 0, '');
      expect(without.services.seaweedfs).toBeUndefined();
      expect(Object.values(without.services).every((s) => !s.extra_hosts?.includes('seaweedfs:127.0.0.1'))).toBe(true);
    });

    it('is a compose file docker-compose accepts', async () => {
      const path = join(envFile(), '..', 'hostnet.json');
      writeFileSync(path, JSON.stringify(variant));
      const out = await compose([path], envFile(), 'config', '-q');
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
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
