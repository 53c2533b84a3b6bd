import { describe, expect, it } from 'vitest';
import { bind, splitVerb } from '../../../src/bot/command-line.js';
import type { Message } from '../../../src/bot/message.js';
import { createRegistry } from '../../../src/bot/registry.js';
import type { Actor, Invocation } from '../../../src/bot/types.js';
import { runMessage } from '../../../src/commands/airflow/run.js';
import { commandSet } from '../../../src/commands/index.js';
import { failureCard, retryingCard } from '../../../src/scheduler/cards/airflow-cards.js';
import { containerCard } from '../../../src/scheduler/cards/docker-cards.js';
import { bestRunCard, registryCard } from '../../../src/scheduler/cards/mlflow-cards.js';
import { muteSummary } from '../../../src/scheduler/cards/mute-summary.js';
import { fakeRun, fakeTask } from '../../fakes/fake-airflow.js';
import { fakeMlRun } from '../../fakes/fake-mlflow.js';
import { admin, createTestCore, lineInvocation } from '../../fakes/test-core.js';
import { serviceStatus } from '../../support/docker-fake.js';

/** Names an upstream may hand the bot: a DAG run, a model, an experiment, a metric, a service. */
const HOSTILE = [
  'churn --yes',
  '--yes',
  'x --alias=prod',
  '--x=y',
  'key=value',
  '-1',
  `it's "quoted"`,
  '“curly” ‘single’ „low“',
  '`tick` back\\',
  '\\',
  'two\nlines\tand a tab',
  'モデル 🚀',
  '',
  '{"a": [1',
  '[x',
  'x'.repeat(3000),
];

/** Test names show the start of each value, readable and short. */
const named = (values: readonly string[]): [string, string][] => values.map((h) => [JSON.stringify(h).slice(0, 40), h]);

const registry = createRegistry(commandSet);
const NOW = new Date('2026-11-26T09:00:00Z');

/** What a click on this line would run: the command and every value bound from it. */
function parsed(line: string): Record<string, unknown> {
  const { verb, rest } = splitVerb(line);
  const spec = registry.lookup(verb);
  if (!spec) throw new Error(`no verb ${verb}`);
  const b = bind(rest, spec);
  return { command: verb, ...b.raw, ...b.extra, ...(b.yes ? { yes: true } : {}) };
}

/** Every command button of a message, by label, as what it would run. */
function buttons(m: Message): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const a of m.actions ?? []) if (a.kind === 'command') out[a.label] = parsed(a.command);
  return out;
}

function click(line: string, actor: Actor = admin): Invocation {
  return { ...lineInvocation(line, actor), via: 'button' };
}

/** Clicking every command button of the message as an admin: none is refused as forged. */
async function outcomesOfClicks(m: Message): Promise<string[]> {
  const { core } = createTestCore({ commands: commandSet });
  const outcomes: string[] = [];
  for (const a of m.actions ?? []) {
    if (a.kind !== 'command') continue;
    const plan = core.plan(click(a.command));
    await plan.run();
    outcomes.push(String(plan.outcome()));
  }
  return outcomes;
}

describe.each(named(HOSTILE))('a card about %s', (_name, h) => {
  it('gives the failure card Retry, Logs and Mute buttons that run exactly its ids', async () => {
    // Given a failed run whose DAG, run and task ids are hostile
    const run = fakeRun(h, `${h} run`, { state: 'failed' });
    const card = failureCard({
      run,
      failedTasks: [fakeTask(h, run.runId, `${h} task`)],
      logTail: [],
      countInWindow: 1,
    });

    // Then each button parses back to the values it was built from
    expect(buttons(card)).toEqual({
      Retry: { command: 'retry', dag: h, run_id: `${h} run` },
      Logs: { command: 'logs', dag: h, run_id: `${h} run`, task: `${h} task` },
      'Mute 1h': { command: 'mute', target: h, duration: '1h' },
    });
    expect(await outcomesOfClicks(card)).not.toContain('BUTTON_MISMATCH');
  });

  it('gives the retrying card a Status button for exactly its run', async () => {
    const card = retryingCard({ run: fakeRun(h, `${h}:1`, { state: 'running' }), attempt: 2 });

    expect(buttons(card)).toEqual({ Status: { command: 'run', dag: h, run_id: `${h}:1` } });
    expect(await outcomesOfClicks(card)).not.toContain('BUTTON_MISMATCH');
  });

  it('gives the best-run card Promote and Leaderboard buttons for exactly its model, experiment and metric', async () => {
    const card = bestRunCard({
      experiment: h,
      metric: `${h} loss`,
      order: 'min',
      run: fakeMlRun('r1', '1', {}),
      value: 0.1,
      version: { name: h, version: '7', status: 'READY', aliases: [], tags: {}, url: 'http://127.0.0.1:5000/m' },
    });

    expect(buttons(card)).toEqual({
      Promote: { command: 'promote', model: h, version: '7', alias: 'champion' },
      Leaderboard: { command: 'best', experiment: h, metric: `${h} loss`, min: true },
    });
    expect(await outcomesOfClicks(card)).not.toContain('BUTTON_MISMATCH');
  });

  it('gives the registry card a Model button for exactly its model', async () => {
    const card = registryCard({ model: h, kind: 'alias_set', version: '2', alias: 'champion', url: 'http://x.test' });

    expect(buttons(card)).toEqual({ Model: { command: 'model', model: h } });
    expect(await outcomesOfClicks(card)).not.toContain('BUTTON_MISMATCH');
  });

  it('gives the container card Restart, Logs and Mute buttons for exactly its service', async () => {
    const card = containerCard(serviceStatus({ service: h, state: 'exited' }), 'exited', []);

    expect(buttons(card)).toEqual({
      Restart: { command: 'restart', service: h },
      Logs: { command: 'service-logs', service: h, lines: 100 },
      'Mute 1h': { command: 'mute', target: h, duration: '1h' },
    });
    expect(await outcomesOfClicks(card)).not.toContain('BUTTON_MISMATCH');
  });

  it('gives a run reply (and trigger progress) Retry and Logs buttons for exactly its ids', async () => {
    const run = fakeRun(h, `${h}#2`, { state: 'failed' });
    const m = runMessage(run, [fakeTask(h, run.runId, `${h}.fit`, { state: 'failed' })], NOW);

    const [, logs] = Object.keys(buttons(m));
    expect(buttons(m)).toEqual({
      Retry: { command: 'retry', dag: h, run_id: `${h}#2` },
      [logs as string]: { command: 'logs', dag: h, run_id: `${h}#2`, task: `${h}.fit` },
    });
    expect(await outcomesOfClicks(m)).not.toContain('BUTTON_MISMATCH');
  });
});

describe('replies built from upstream lists', () => {
  it.each(named(HOSTILE))('give runs, failures, models and services buttons that carry %s whole', async (_name, h) => {
    // Given an Airflow, an MLflow and a Docker that name things with a hostile string
    const { core, airflow, mlflow, docker } = createTestCore({ commands: commandSet });
    airflow.runs.push(fakeRun('train_model', h, { state: 'failed' }), fakeRun(h, `${h}/2`, { state: 'failed' }));
    mlflow.addVersion(h, '1');
    docker.services = [serviceStatus({ service: h, state: 'exited' })];

    // When the list verbs answer
    const runs = await core.plan(lineInvocation('runs train_model')).run();
    const failed = await core.plan(lineInvocation('failures')).run();
    const models = await core.plan(lineInvocation('models')).run();
    const services = await core.plan(lineInvocation('services')).run();

    // Then every button runs the listed thing and nothing else
    expect(Object.values(buttons(runs))).toEqual([{ command: 'run', dag: 'train_model', run_id: h }]);
    expect(Object.values(buttons(failed))).toEqual([
      { command: 'run', dag: 'train_model', run_id: h },
      { command: 'run', dag: h, run_id: `${h}/2` },
    ]);
    expect(Object.values(buttons(models))).toEqual([{ command: 'model', model: h }]);
    expect(Object.values(buttons(services))).toEqual([
      { command: 'service-logs', service: h },
      { command: 'restart', service: h },
    ]);
    for (const m of [runs, failed, models, services])
      expect(await outcomesOfClicks(m)).not.toContain('BUTTON_MISMATCH');
  });

  it.each(named(HOSTILE.filter((h) => h !== '')))(
    'give promote a Roll back button to version %s exactly',
    async (_n, h) => {
      const { core, mlflow } = createTestCore({ commands: commandSet });
      mlflow.addVersion('churn', h, ['champion']).addVersion('churn', '2');

      const m = await core.plan(lineInvocation('promote churn 2 --yes')).run();

      expect(Object.values(buttons(m))).toEqual([
        { command: 'promote', model: 'churn', version: h, alias: 'champion' },
      ]);
    },
  );
});

describe('replies to typed commands', () => {
  const replies: [string, Record<string, unknown>[]][] = [
    ['trigger train_model', [{ command: 'run', dag: 'train_model', run_id: 'manual__2026-11-26T09:00:00+00:00' }]],
    ['retry train_model r1 --yes', [{ command: 'run', dag: 'train_model', run_id: 'r1' }]],
    ['logs train_model r1 fit', [{ command: 'run', dag: 'train_model', run_id: 'r1' }]],
    ['pause train_model', [{ command: 'unpause', dag: 'train_model' }]],
    ['mute train_* 2h', [{ command: 'unmute', target: 'train_*' }]],
    ['restart mlflow --yes', [{ command: 'service-logs', service: 'mlflow' }]],
    [
      'service-logs mlflow --lines 5',
      [{ command: 'service-logs', service: 'mlflow', lines: 20 }, { command: 'services' }],
    ],
    ['status', [{ command: 'failures' }]],
  ];

  it.each(replies)('`%s` offers buttons that run exactly what they show', async (line, expected) => {
    const { core, airflow, docker } = createTestCore({ commands: commandSet });
    airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    airflow.tasks.push(fakeTask('train_model', 'r1', 'fit', { state: 'failed' }));
    docker.services = [serviceStatus({ service: 'mlflow' })];

    const m = await core.plan(lineInvocation(line)).run();

    expect(Object.values(buttons(m))).toEqual(expected);
    expect(await outcomesOfClicks(m)).not.toContain('BUTTON_MISMATCH');
  });

  it('subscribe and subscriptions offer Unsubscribe for exactly the new id', async () => {
    const { core } = createTestCore({ commands: commandSet });

    const sub = await core.plan(lineInvocation('subscribe failures train_*')).run();
    const list = await core.plan(lineInvocation('subscriptions')).run();

    const id = sub.fields?.find((f) => f.label === 'Subscription')?.value;
    expect(Object.values(buttons(sub))).toEqual([{ command: 'subscriptions' }, { command: 'unsubscribe', id }]);
    expect(Object.values(buttons(list))).toEqual([{ command: 'unsubscribe', id }]);
  });

  it('muteSummary offers the failures of the last day', () => {
    const m = muteSummary({
      dest: { platform: 'slack', channelId: 'C1' },
      pattern: '*',
      until: NOW,
      createdBy: 'slack:U1',
      held: 1,
      titles: ['x failed'],
    });

    expect(Object.values(buttons(m))).toEqual([{ command: 'failures', since: '24h' }]);
  });
});

describe('confirm previews', () => {
  it.each(named(HOSTILE.filter((h) => h !== '' && h.length <= 256)))(
    'confirm exactly the model %s that was typed',
    async (_n, h) => {
      // Given an admin asking to promote a model whose name is hostile
      const { core, mlflow } = createTestCore({ commands: commandSet });
      mlflow.addVersion(h, '1');
      const typed = `promote "${h.replace(/["\\]/g, (c) => `\\${c}`)}" 1`;

      // When the preview comes back and its Confirm button is clicked
      const preview = await core.plan(lineInvocation(typed)).run();
      const confirm = preview.actions?.find((a) => a.kind === 'command' && a.label === 'Confirm');
      if (confirm?.kind !== 'command') throw new Error('no Confirm button');
      expect(mlflow.aliasesSet).toEqual([]);
      const plan = core.plan(click(confirm.command));
      await plan.run();

      // Then the click is not taken for a forged line, and the alias moves on that model and no other
      expect(plan.outcome()).toBe('ok');
      expect(mlflow.aliasesSet).toEqual([{ name: h, alias: 'champion', version: '1' }]);
    },
  );
});

describe('a button line that does not read back as itself', () => {
  const tampered = [
    // The issue's finding: a model registered as `churn --yes` in a hand-built Promote line.
    'promote churn --yes 1 --alias champion',
    'retry train_model --yes r1',
    'restart mlflow --stop-timeout 1 --yes',
    // Lines written before buttons were built with formatLine: refused rather than guessed at.
    'service-logs mlflow --lines 100',
    'best churn accuracy min=true',
    'model  churn',
    'MODEL churn',
  ];

  it.each(tampered)('`%s` is refused, runs nothing and is audited', async (line) => {
    // Given an admin, fakes that would accept the command, and a click on a tampered line
    const { core, mlflow, airflow, docker, store } = createTestCore({ commands: commandSet });
    mlflow.addVersion('churn', '1');
    airflow.runs.push(fakeRun('train_model', 'r1', { state: 'failed' }));
    docker.services = [serviceStatus({ service: 'mlflow' })];

    // When it runs
    const plan = core.plan(click(line));
    const m = await plan.run();

    // Then nothing reached an upstream, the user is told so, and the refusal is in the audit log
    expect(plan.outcome()).toBe('BUTTON_MISMATCH');
    expect(m.text).toContain('nothing ran');
    expect(mlflow.calls).toEqual([]);
    expect(airflow.calls).toEqual([]);
    expect(docker.calls).toEqual([]);
    expect(store.entries.map((e) => e.outcome)).toEqual(['BUTTON_MISMATCH']);
  });

  it('is still fine when typed: only clicks must match what a button was built from', async () => {
    const { core, mlflow } = createTestCore({ commands: commandSet });
    mlflow.addVersion('churn', '1');

    const plan = core.plan(lineInvocation('promote churn --yes 1 --alias champion'));
    await plan.run();

    expect(plan.outcome()).toBe('ok');
    expect(mlflow.aliasesSet).toEqual([{ name: 'churn', alias: 'champion', version: '1' }]);
  });
});
