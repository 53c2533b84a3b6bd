import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
import type { Permission } from '../../../src/bot/command.js';
import { commandSet } from '../../../src/commands/index.js';
import { admin, createTestCore, lineInvocation, operator, reader } from '../../fakes/test-core.js';

const LOG_VERBS = ['logs train_model r1 fit', 'service-logs mlflow'];

function coreWith(logRole?: Permission) {
  const t = createTestCore({ commands: commandSet, logRole });
  t.airflow.logLines = ['Connecting to the warehouse'];
  return t;
}

describe('MLOPS_LOG_ROLE', () => {
  it('defaults to operate, and refuses anything but a role', () => {
    expect(loadConfig({}).MLOPS_LOG_ROLE).toBe('operate');
    expect(loadConfig({ MLOPS_LOG_ROLE: 'read' }).MLOPS_LOG_ROLE).toBe('read');
    expect(() => loadConfig({ MLOPS_LOG_ROLE: 'everyone' })).toThrow(ConfigError);
  });

  it.each(LOG_VERBS)('refuses `%s` to a reader by default, naming the role', async (line) => {
    const t = coreWith();

    const m = await t.core.plan(lineInvocation(line, reader)).run();

    expect(m.tone).toBe('warning');
    expect(m.text).toContain('needs the operate role');
    expect(t.airflow.calls).toEqual([]);
    expect(t.docker.calls).toEqual([]);
  });

  it.each(LOG_VERBS)('lets an operator run `%s` by default', async (line) => {
    const t = coreWith();

    const m = await t.core.plan(lineInvocation(line, operator)).run();

    expect(m.tone).not.toBe('warning');
    expect(m.code).toBeDefined();
  });

  it.each(LOG_VERBS)('lets every reader run `%s` when set to read', async (line) => {
    const t = coreWith('read');

    const m = await t.core.plan(lineInvocation(line, reader)).run();

    expect(m.code).toBeDefined();
  });

  it.each(LOG_VERBS)('keeps `%s` to admins when set to admin', async (line) => {
    const t = coreWith('admin');

    const refused = await t.core.plan(lineInvocation(line, operator)).run();
    const shown = await t.core.plan(lineInvocation(line, admin)).run();

    expect(refused.text).toContain('needs the admin role');
    expect(shown.code).toBeDefined();
  });

  it('lists the log verbs in help only for those who may run them', async () => {
    const t = coreWith();

    const forReader = (await t.core.plan(lineInvocation('help', reader)).run()).text ?? '';
    const forOperator = (await t.core.plan(lineInvocation('help', operator)).run()).text ?? '';

    expect(forReader).not.toContain('`logs ');
    expect(forReader).not.toContain('`service-logs ');
    expect(forOperator).toContain('`logs <dag> <run_id> <task>');
    expect(forOperator).toContain('`service-logs <service>');
  });
});
