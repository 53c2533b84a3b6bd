// Debian's docker-compose 1.29.2 validates and resolves a compose file without any engine; python3-yaml (its own
// dependency) turns the resolved YAML into JSON for assertions.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ComposeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Writes an env file (KEY=value lines) to a fresh temp dir; no vars means "defaults only". The bot service reads the
 * same file (env_file), so MLOPS_ENV_FILE names it unless the vars say otherwise.
 */
export function envFile(vars: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'compose-env-'));
  const path = join(dir, '.env');
  writeFileSync(
    path,
    Object.entries({ MLOPS_ENV_FILE: path, ...vars })
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
}

/**
 * Runs docker-compose with only PATH and HOME from the environment, so a developer's shell cannot leak in;
 * dockerHost, when given, is the engine it talks to (config needs none).
 */
export async function compose(
  files: readonly string[],
  env: string,
  ...args: (string | { dockerHost: string })[]
): Promise<ComposeRun> {
  const host = args.find((a): a is { dockerHost: string } => typeof a !== 'string');
  const rest = args.filter((a): a is string => typeof a === 'string');
  const argv = [...files.flatMap((f) => ['-f', f]), '--env-file', env, ...rest];
  try {
    const { stdout, stderr } = await run('docker-compose', argv, {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        ...(host ? { DOCKER_HOST: host.dockerHost } : {}),
      },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('docker-compose is not installed: apt-get install docker-compose');
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface ResolvedService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] | string };
  networks?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  env_file?: string[] | string;
  network_mode?: string;
  extra_hosts?: string[];
  entrypoint?: string[] | string;
  profiles?: string[];
  group_add?: string[];
  restart?: string;
  user?: string;
  command?: string[] | string;
}

export interface ResolvedCompose {
  services: Record<string, ResolvedService>;
  networks?: Record<string, { external?: boolean; name?: string }>;
  volumes?: Record<string, unknown>;
}

/** `docker-compose config` as an object (fails the test with compose's own message if the file is invalid). */
export async function resolvedConfig(files: readonly string[], env: string): Promise<ResolvedCompose> {
  const out = await compose(files, env, 'config');
  if (out.code !== 0) throw new Error(`docker-compose config failed (${out.code}): ${out.stderr}`);
  return yamlToJson(out.stdout);
}

function yamlToJson(yaml: string): Promise<ResolvedCompose> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'python3',
      ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      (err, stdout, stderr) => (err ? reject(new Error(`python3 yaml: ${stderr}`)) : resolve(JSON.parse(stdout))),
    );
    child.stdin?.end(yaml);
  });
}
