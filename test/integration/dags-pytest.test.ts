// The Python side (dags/ import cleanly, pipeline steps) is tested by pytest; running it here puts those results
// into the one summary line CI reads.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'mlops-bot-pytest-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Outcome {
  code: number;
  stdout: string;
  output: string;
}

async function exec(file: string, args: string[]): Promise<Outcome> {
  try {
    const r = await run(file, args, { cwd: repo, maxBuffer: 16 * 1024 * 1024, timeout: 170_000 });
    return { code: 0, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const code = typeof e.code === 'number' ? e.code : -1;
    return { code, stdout: e.stdout ?? '', output: `${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}` };
  }
}

function count(xml: string, attr: string): number {
  const m = new RegExp(`<testsuite [^>]*\\b${attr}="(\\d+)"`).exec(xml);
  return m ? Number(m[1]) : Number.NaN;
}

describe('the DAGs under pytest in the Airflow 3 venv', () => {
  it('imports every DAG without errors and passes every pipeline unit test', async () => {
    const venv = await exec('bash', ['scripts/mlops-services.sh', 'venv-path', 'airflow3']);
    expect(venv.code, venv.output).toBe(0);
    const python = join(venv.stdout.trim(), 'bin', 'python');
    const junit = join(out, 'pytest.xml');

    const pytest = await exec(python, [
      '-m',
      'pytest',
      'test/python',
      '-q',
      '-p',
      'no:cacheprovider',
      `--junitxml=${junit}`,
    ]);

    expect(pytest.code, pytest.output.slice(-4000)).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(count(xml, 'failures') + count(xml, 'errors')).toBe(0);
    expect(count(xml, 'skipped')).toBe(0);
    expect(count(xml, 'tests')).toBeGreaterThanOrEqual(30);
  });
});
