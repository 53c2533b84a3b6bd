import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../src/bot/command.js';
import { confirmLineOf } from '../../../src/bot/core.js';
import { BotError } from '../../../src/bot/errors.js';
import { coreCommands } from '../../../src/commands/index.js';
import { parseInline } from '../../../src/render/markdown.js';
import { fakeRun, fakeTask } from '../../fakes/fake-airflow.js';
import { admin, createTestCore, lineInvocation, operator, reader } from '../../fakes/test-core.js';

const slow = defineCommand({
  name: 'slow',
  summary: 'Never finishes on its own',
  permission: 'read',
  options: z.object({}),
  handler: () => new Promise(() => {}),
});
const boom = defineCommand({
  name: 'boom',
  summary: 'Throws a plain error',
  permission: 'operate',
  options: z.object({ token: z.string().optional().describe('A secret') }),
  async handler() {
    throw new Error('db password leaked in stack');
  },
});

describe('core dispatch', () => {
  it('quotes what was typed in a usage error as code, so a value cannot become markup', async () => {
    const { core } = createTestCore();

    const m = await core.plan(lineInvocation('run a b "x` **Act now** [sign in](http://evil.test)"')).run();

    const nodes = parseInline(m.text?.split('\n')[0] ?? '');
    expect(nodes.filter((n) => n.kind === 'bold' || n.kind === 'link')).toEqual([]);
    expect(nodes).toContainEqual({ kind: 'code', text: 'x` **Act now** [sign in](http://evil.test)' });
  });

  it('answers an unknown verb with the closest one', async () => {
    const { core } = createTestCore();
    const m = await core.plan(lineInvocation('tirgger train_model')).run();
    expect(m.text).toBe('Unknown command `tirgger`. Did you mean `trigger`? Try `help`.');
  });

  it('answers an empty line with help', async () => {
    const { core } = createTestCore();
    const m = await core.plan(lineInvocation('   ')).run();
    expect(m.title).toBe('Commands');
  });

  it('reports the reply mode before anything runs', () => {
    const { core, airflow } = createTestCore();
    expect(core.plan(lineInvocation('trigger train_model')).reply).toBe('channel');
    expect(core.plan(lineInvocation('dags')).reply).toBe('ephemeral');
    expect(airflow.calls).toEqual([]);
  });

  it.each([
    ['trigger train_model', 'operate'],
    ['pause train_model', 'operate'],
    ['unpause train_model', 'operate'],
    ['retry train_model r1', 'operate'],
    ['promote churn 1', 'admin'],
    ['audit', 'admin'],
  ])('denies `%s` to a reader, names the %s role and changes nothing', async (line, role) => {
    const { core, airflow, mlflow, store } = createTestCore();
    const m = await core.plan(lineInvocation(line, reader)).run();
    expect(m.text).toContain(`needs the ${role} role. Nothing was changed.`);
    expect(m.text).toContain('`slack:UREAD`');
    expect(airflow.calls).toEqual([]);
    expect(mlflow.calls).toEqual([]);
    expect(store.entries.map((e) => e.outcome)).toEqual(['PERMISSION_DENIED']);
  });

  it('denies admin verbs to an operator', async () => {
    const { core, mlflow } = createTestCore();
    const m = await core.plan(lineInvocation('promote churn 1 --yes', operator)).run();
    expect(m.text).toMatch(/needs the admin role/);
    expect(mlflow.calls).toEqual([]);
  });

  it('audits each operate action once with who, where, the line, outcome and duration', async () => {
    const { core, store } = createTestCore();
    await core.plan(lineInvocation('pause train_model', operator)).run();
    expect(store.entries).toHaveLength(1);
    expect(store.entries[0]).toMatchObject({
      actor: 'slack:UOPS',
      platform: 'slack',
      channel: 'C1',
      verb: 'pause',
      line: 'pause train_model',
      outcome: 'ok',
    });
    expect(store.entries[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('redacts secret-looking keys inside JSON options in the audit line', async () => {
    const { core, store } = createTestCore();
    await core
      .plan(lineInvocation(`trigger train_model --conf '{"lr": 1, "db": {"password": "hunter2"}}'`, operator))
      .run();
    expect(store.entries[0]?.line).toBe(`trigger train_model conf='{"lr":1,"db":{"password":"[redacted]"}}'`);
    expect(JSON.stringify(store.entries)).not.toContain('hunter2');
  });

  it('does not audit read verbs', async () => {
    const { core, store } = createTestCore();
    await core.plan(lineInvocation('dags')).run();
    expect(store.entries).toEqual([]);
  });

  it('shows a confirm preview with Confirm (same line plus --yes) and Cancel, and changes nothing', async () => {
    const { core, airflow, store } = createTestCore();
    airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    const m = await core.plan(lineInvocation('retry train_model r1', operator)).run();
    expect(m.title).toBe('Clear 1 task of train_model?');
    expect(confirmLineOf(m)).toBe('retry train_model r1 --yes');
    expect(m.actions?.find((a) => a.label === 'Cancel')).toEqual({
      kind: 'command',
      label: 'Cancel',
      command: 'cancel retry',
    });
    expect(airflow.cleared).toEqual([]);
    expect(store.entries).toEqual([]);
  });

  it('runs the Confirm line for the clicker, checking their permission again', async () => {
    const { core, airflow } = createTestCore();
    airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    const denied = await core.plan(lineInvocation('retry train_model r1 --yes', reader)).run();
    expect(denied.text).toMatch(/needs the operate role/);
    expect(airflow.cleared).toEqual([]);
    const done = await core.plan(lineInvocation('retry train_model r1 --yes', operator)).run();
    expect(done.title).toBe('Cleared 1 task of train_model');
    expect(airflow.cleared).toEqual([{ dagId: 'train_model', runId: 'r1', dryRun: false }]);
  });

  it('answers Cancel without touching anything', async () => {
    const { core, airflow } = createTestCore();
    const m = await core.plan(lineInvocation('cancel retry', reader)).run();
    expect(m.text).toBe('Cancelled `retry`. Nothing changed.');
    expect(airflow.calls).toEqual([]);
  });

  it('stops a handler at the timeout and says so', async () => {
    const { core } = createTestCore({ commands: [...coreCommands, slow], timeoutMs: 50 });
    const m = await core.plan(lineInvocation('slow')).run();
    expect(m).toEqual({ tone: 'error', text: '`slow` did not finish within 0 s.' });
  });

  it('hides an unexpected error behind a reference that is logged with the same id', async () => {
    const { core, logs, store } = createTestCore({ commands: [...coreCommands, boom] });
    const inv = lineInvocation('boom token=hunter2', admin);
    const m = await core.plan(inv).run();
    expect(m.text).toBe(`Something went wrong. Reference \`${inv.id}\`.`);
    expect(logs.find((l) => l.msg === 'command failed')).toMatchObject({ inv: inv.id });
    expect(store.entries[0]).toMatchObject({ outcome: 'INTERNAL', line: "boom token='[redacted]'" });
  });

  it('shows an upstream error naming the service and URL', async () => {
    const { core, airflow } = createTestCore();
    const msg =
      'Airflow at http://127.0.0.1:8082 is unreachable (connection refused). Is it running? Check AIRFLOW_URL.';
    airflow.failNext(new BotError('UPSTREAM_UNAVAILABLE', msg, { service: 'airflow', userMessage: msg }));
    const m = await core.plan(lineInvocation('dags')).run();
    expect(m).toEqual({ tone: 'error', text: msg });
  });

  it('binds structured (Discord) options the same way as a line', async () => {
    const { core, airflow } = createTestCore();
    const m = await core
      .plan({
        id: 'i1',
        actor: operator,
        origin: { platform: 'discord', channelId: 'C9' },
        via: 'slash',
        input: { kind: 'structured', verb: 'runs', options: { dag: 'train_model', limit: 3 } },
      })
      .run();
    expect(m.text).toMatch(/No runs of `train_model`/);
    expect(airflow.calls[0]).toEqual({
      method: 'listDagRuns',
      args: [expect.objectContaining({ dagId: 'train_model', limit: 3 })],
    });
  });

  it('logs one line per run with verb, outcome and duration', async () => {
    const { core, logs } = createTestCore();
    await core.plan(lineInvocation('dags --bogus')).run();
    expect(logs.filter((l) => l.msg === 'command')).toEqual([
      expect.objectContaining({ verb: 'dags', outcome: 'OPTIONS_INVALID', durationMs: expect.any(Number) }),
    ]);
  });
});
