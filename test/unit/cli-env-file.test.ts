import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'mlops-bot.js');
const dir = mkdtempSync(join(tmpdir(), 'mlops-cli-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case gets a working directory whose .env holds values the config refuses, so the bot stops at once (exit 2)
// and names exactly the variables it read: nothing starts and nothing is contacted.
function run(args: string[], dotEnv: string, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(dir, 'case-'));
  writeFileSync(join(cwd, '.env'), dotEnv);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { HOME: dir, STATE_PATH: join(cwd, 'state.db'), MLOPS_BOT_FROM_SOURCE: '1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, err: r.stderr };
}

describe('mlops-bot serve and .env', () => {
  it('reads .env from its working directory', () => {
    const r = run(['serve'], 'WATCH_INTERVAL=7\nHTTP_TIMEOUT_MS=soon\n');

    expect(r.code).toBe(2);
    expect(r.err).toContain('WATCH_INTERVAL');
    expect(r.err).toContain('HTTP_TIMEOUT_MS');
  });

  it('lets a variable already in the environment win over .env', () => {
    const r = run(['serve'], 'WATCH_INTERVAL=7\nHTTP_TIMEOUT_MS=soon\n', { WATCH_INTERVAL: '30' });

    expect(r.code).toBe(2);
    expect(r.err).not.toContain('WATCH_INTERVAL');
    expect(r.err).toContain('HTTP_TIMEOUT_MS');
  });

  it('leaves .env alone for one-shot commands, which take the environment as it is', () => {
    const r = run(['help'], 'HTTP_TIMEOUT_MS=soon\n');

    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});
