import { describe, expect, it } from 'vitest';
import { fakeExperiment, fakeMlRun } from '../../fakes/fake-mlflow.js';
import { admin, click, createTestCore, lineInvocation } from '../../fakes/test-core.js';

describe('experiments and best', () => {
  it('filters experiments by name, quotes and all, without building an MLflow filter', async () => {
    const t = createTestCore();
    t.mlflow.experiments.push(fakeExperiment("bob's churn", '2'));
    const m = await t.core.plan(lineInvocation(`experiments "bob's"`)).run();
    expect(m.text).toBe("`bob's churn` id 2");
    expect(t.mlflow.calls[0]?.args[0]).toEqual({ maxResults: 1000 });
  });

  it('ranks runs by a metric, higher first unless --min', async () => {
    const t = createTestCore();
    t.mlflow.runs.push(fakeMlRun('a1', '1', { acc: 0.8 }), fakeMlRun('b2', '1', { acc: 0.9 }));
    const max = await t.core.plan(lineInvocation('best churn acc')).run();
    expect(max.text).toBe('1. `run-b2` acc=0.9 run `b2`\n2. `run-a1` acc=0.8 run `a1`');
    const min = await t.core.plan(lineInvocation('best churn acc --min --limit 1')).run();
    expect(min.text).toBe('1. `run-a1` acc=0.8 run `a1`');
    expect(min.title).toBe('Best acc in churn (lower is better)');
  });
});

describe('models, model and promote', () => {
  it('lists models with their aliases', async () => {
    const t = createTestCore();
    t.mlflow.addVersion('churn', '1', ['champion']).addVersion('churn', '2');
    const m = await t.core.plan(lineInvocation('models')).run();
    expect(m.text).toBe('`churn` latest v2 · champion→v1');
  });

  it('shows one model with versions, newest first', async () => {
    const t = createTestCore();
    t.mlflow.addVersion('churn', '1', ['champion']).addVersion('churn', '2');
    const m = await t.core.plan(lineInvocation('model churn')).run();
    expect(m.text).toBe('v2 READY\nv1 READY · champion');
    expect(m.fields?.[0]).toEqual({ label: 'Aliases', value: 'champion → v1' });
  });

  it('previews a promotion, then moves the alias on confirm and offers a roll-back', async () => {
    const t = createTestCore();
    t.mlflow.addVersion('churn', '1', ['champion']).addVersion('churn', '2');
    const plan = t.core.plan(lineInvocation('promote churn 2', admin));
    const preview = await plan.run();
    expect(preview.title).toBe('Point champion of churn at v2?');
    expect(t.mlflow.aliasesSet).toEqual([]);
    expect(plan.confirmLine()).toBe('promote churn 2 --yes');
    const done = await t.core.plan(click(preview, 'Confirm', admin)).run();
    expect(done.title).toBe('churn champion → v2');
    expect(t.mlflow.aliasesSet).toEqual([{ name: 'churn', alias: 'champion', version: '2' }]);
    expect(done.actions?.[0]).toMatchObject({ command: 'promote churn 1 alias=champion' });
    expect(t.store.entries[0]).toMatchObject({ verb: 'promote', outcome: 'ok', line: 'promote churn 2' });
  });

  it('refuses the aliases MLflow reserves', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation('promote churn 2 --alias latest --yes', admin)).run();
    expect(m.text).toMatch(/latest and v<number> are reserved by MLflow/);
    expect(t.mlflow.calls).toEqual([]);
  });
});
