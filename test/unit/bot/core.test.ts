import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../src/bot/command.js';
import { BotError } from '../../../src/bot/errors.js';
import { coreCommands } from '../../../src/commands/index.js';
import { parseInline } from '../../../src/render/markdown.js';
import { fakeRun, fakeTask } from '../../fakes/fake-airflow.js';
import { admin, buttonLine, click, createTestCore, lineInvocation, operator, reader } from '../../fakes/test-core.js';

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

  it('answers a denial to the asker alone, even for a verb that replies in the channel', () => {
    const { core } = createTestCore();

    const plan = core.plan(lineInvocation('trigger train_model', reader));

    expect(plan.reply).toBe('ephemeral');
    expect(core.plan(lineInvocation('trigger train_model', operator)).reply).toBe('channel');
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

  it('runs a typed line with --yes at once, checking the role of whoever typed it', async () => {
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

describe('the confirm protocol', () => {
  const OTHER_OPERATOR = { ...operator, userId: 'UOPS2' };

  function failedRetry(o: { confirmTtlMs?: number } = {}) {
    const t = createTestCore({ operators: ['slack:UOPS', 'slack:UOPS2'], ...o });
    t.airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    t.airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    return t;
  }

  it('previews with Confirm and Cancel naming one saved preview, and changes nothing', async () => {
    const { core, airflow, store } = failedRetry();

    const plan = core.plan(lineInvocation('retry train_model r1', operator));
    const m = await plan.run();

    expect(m.title).toBe('Clear 1 task of train_model?');
    expect(plan.confirmLine()).toBe('retry train_model r1 --yes');
    expect(m.actions?.filter((a) => a.kind === 'command').map((a) => [a.label, a.command])).toEqual([
      ['Confirm', 'confirm ref1'],
      ['Cancel', 'cancel ref1'],
    ]);
    expect(plan.answersPreview).toBe(false);
    expect(airflow.cleared).toEqual([]);
    expect(store.entries).toEqual([]);
  });

  it('says before anything runs that a Confirm or Cancel answers a preview', () => {
    const { core, store } = failedRetry();

    expect(core.plan(lineInvocation('confirm ref1')).answersPreview).toBe(true);
    expect(core.plan(lineInvocation('cancel ref1')).answersPreview).toBe(true);
    expect(core.plan(lineInvocation('retry train_model r1 --yes')).answersPreview).toBe(false);
    expect(store.refs.size).toBe(0);
  });

  it("runs the owner's Confirm as the owner, in place of the preview, and audits the action", async () => {
    const { core, airflow, store } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const plan = core.plan(click(preview, 'Confirm', operator));
    const m = await plan.run();

    expect(m.title).toBe('Cleared 1 task of train_model');
    expect(plan.refused()).toBe(false);
    expect(airflow.cleared).toEqual([{ dagId: 'train_model', runId: 'r1', dryRun: false }]);
    expect(store.entries).toMatchObject([
      { actor: 'slack:UOPS', verb: 'retry', line: 'retry train_model r1', outcome: 'ok' },
    ]);
  });

  it('audits the positional args as bound, so who retried a run is a query on whole values', async () => {
    const { core, store } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    await core.plan(click(preview, 'Confirm', operator)).run();
    await core.plan(lineInvocation(`trigger train_model --conf '{"password": "hunter2"}'`, operator)).run();

    expect(store.entries.map((e) => e.args)).toEqual([['train_model', 'r1'], ['train_model']]);
  });

  it("refuses another operator's Confirm as a refusal for the clicker alone, clears nothing, and audits it", async () => {
    const { core, airflow, store } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const plan = core.plan(click(preview, 'Confirm', OTHER_OPERATOR));
    const m = await plan.run();

    expect(m).toEqual({
      tone: 'warning',
      text: 'Only `slack:UOPS`, who asked for it, or an admin can confirm this `retry`. Nothing was changed.',
    });
    expect(plan.refused()).toBe(true);
    expect(airflow.cleared).toEqual([]);
    expect(store.entries).toMatchObject([
      { actor: 'slack:UOPS2', verb: 'retry', outcome: 'PERMISSION_DENIED', detail: 'preview of slack:UOPS' },
    ]);
  });

  it("lets an admin confirm anyone's preview", async () => {
    const { core, airflow } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const plan = core.plan(click(preview, 'Confirm', admin));
    const m = await plan.run();

    expect(m.title).toBe('Cleared 1 task of train_model');
    expect(plan.refused()).toBe(false);
    expect(airflow.cleared).toHaveLength(1);
  });

  it("checks the clicker's role first: a reader is told which role the verb needs, and the owner still can", async () => {
    const { core, airflow } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const byReader = core.plan(click(preview, 'Confirm', reader));
    const denied = await byReader.run();
    const done = await core.plan(click(preview, 'Confirm', operator)).run();

    expect(denied.text).toMatch(/needs the operate role/);
    expect(byReader.refused()).toBe(true);
    expect(done.title).toBe('Cleared 1 task of train_model');
    expect(airflow.cleared).toHaveLength(1);
  });

  it('expires a preview after its lifetime: the click runs nothing and its answer takes the preview place', async () => {
    const { core, airflow, clock, store } = failedRetry({ confirmTtlMs: 60_000 });
    const early = await core.plan(lineInvocation('retry train_model r1', operator)).run();
    await clock.sleep(59_000);
    const late = await core.plan(lineInvocation('retry train_model r1', operator)).run();
    await clock.sleep(1_000);

    const expired = core.plan(click(early, 'Confirm', operator));
    const m = await expired.run();
    const stillOpen = await core.plan(click(late, 'Confirm', operator)).run();

    expect(m).toEqual({
      tone: 'warning',
      text: 'This `retry` preview has expired (buttons work for 1 minute): nothing was run. Run the command again for a new one.',
    });
    expect(expired.answersPreview && !expired.refused()).toBe(true);
    expect(stillOpen.title).toBe('Cleared 1 task of train_model');
    expect(airflow.cleared).toHaveLength(1);
    expect(store.entries.map((e) => e.outcome)).toEqual(['PREVIEW_EXPIRED', 'ok']);
  });

  it('answers an unknown preview as expired, and runs nothing', async () => {
    const { core, airflow } = failedRetry();

    const m = await core.plan(lineInvocation('confirm nosuchref', operator)).run();
    const old = await core.plan(lineInvocation('cancel retry', operator)).run();

    expect(m.text).toMatch(/^This preview has expired/);
    expect(old.text).toMatch(/^This preview has expired/);
    expect(airflow.calls).toEqual([]);
  });

  it('cancels its own preview with "Cancelled…" in its place, and audits the cancel', async () => {
    const { core, airflow, store } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const plan = core.plan(click(preview, 'Cancel', operator));
    const m = await plan.run();

    expect(m).toEqual({ tone: 'info', text: 'Cancelled `retry`. Nothing changed.' });
    expect(plan.answersPreview && !plan.refused()).toBe(true);
    expect(airflow.cleared).toEqual([]);
    expect(store.entries).toMatchObject([{ actor: 'slack:UOPS', verb: 'retry', outcome: 'cancelled' }]);
  });

  it("refuses another operator's Cancel, and lets an admin cancel anyone's preview", async () => {
    const { core } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();

    const byOther = core.plan(click(preview, 'Cancel', OTHER_OPERATOR));
    const refused = await byOther.run();
    const byAdmin = core.plan(click(preview, 'Cancel', admin));
    const cancelled = await byAdmin.run();

    expect(refused.text).toBe(
      'Only `slack:UOPS`, who asked for it, or an admin can cancel this `retry`. Nothing was changed.',
    );
    expect(byOther.refused()).toBe(true);
    expect(cancelled.text).toBe('Cancelled `retry` by admin `slack:UADMIN`. Nothing changed.');
    expect(byAdmin.refused()).toBe(false);
  });

  it('refuses a button that holds --yes itself: only a preview Confirm confirms a click', async () => {
    const { core, airflow } = failedRetry();
    const forged = { ...lineInvocation('retry train_model r1 --yes', operator), via: 'button' as const };

    const m = await core.plan(forged).run();

    expect(m.text).toBe('This button no longer confirms anything. Run the command again.');
    expect(airflow.cleared).toEqual([]);
  });

  it('gives a console preview no buttons: the terminal asks y/N and runs confirmLine()', async () => {
    const { core, store } = failedRetry();
    const inv = {
      ...lineInvocation('retry train_model r1', { ...admin, platform: 'console' }),
      via: 'console' as const,
    };

    const plan = core.plan(inv);
    const m = await plan.run();

    expect(m.actions ?? []).toEqual([]);
    expect(plan.confirmLine()).toBe('retry train_model r1 --yes');
    expect(store.refs.size).toBe(0);
  });

  it('keeps the confirm verbs to itself: a command named confirm or cancel is refused at start', () => {
    const own = defineCommand({
      name: 'cancel',
      summary: 'Shadows the preview Cancel',
      permission: 'read',
      options: z.object({}),
      handler: async () => ({ text: 'mine' }),
    });

    expect(() => createTestCore({ commands: [...coreCommands, own] })).toThrow("'cancel' is the core's own verb");
  });

  it('records a preview for 15 minutes by default and names it by reference only', async () => {
    const { core, clock, store } = failedRetry();
    const preview = await core.plan(lineInvocation('retry train_model r1', operator)).run();
    await clock.sleep(15 * 60_000 - 1);

    const m = await core.plan(click(preview, 'Cancel', operator)).run();

    expect(m.text).toBe('Cancelled `retry`. Nothing changed.');
    expect(buttonLine(preview, 'Confirm')).not.toContain('retry');
    expect(JSON.parse(store.refs.get('ref1') ?? '{}')).toMatchObject({
      by: 'slack:UOPS',
      line: 'retry train_model r1 --yes',
    });
  });
});
