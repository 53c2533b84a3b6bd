import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import { admin, createTestCore, lineInvocation, operator, reader } from '../../fakes/test-core.js';

describe('status', () => {
  it('reports components with heartbeat age, MLflow and run counts', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation('status')).run();
    expect(m.title).toBe('All services healthy');
    expect(m.fields).toEqual([
      { label: 'Airflow metadatabase', value: 'healthy', inline: true },
      { label: 'Airflow scheduler', value: 'healthy, heartbeat 10 s ago', inline: true },
      { label: 'MLflow', value: 'healthy', inline: true },
      { label: 'Running runs', value: '0', inline: true },
      { label: 'Failed runs (24 h)', value: '0', inline: true },
      { label: 'Containers', value: 'none in project mlops', inline: true },
    ]);
  });

  it('needs attention when a compose service is down, naming it', async () => {
    const t = createTestCore();
    t.docker.services = [
      {
        service: 'mlflow',
        containerId: 'c1',
        containerName: 'mlops-mlflow-1',
        image: 'mlflow',
        state: 'exited',
        health: 'none',
        restartCount: 0,
        exitCode: 1,
      },
    ];
    const m = await t.core.plan(lineInvocation('status')).run();
    expect(m.title).toBe('Needs attention');
    expect(m.fields).toContainEqual({ label: 'Containers', value: '0/1 up · down: mlflow (exited)', inline: true });
  });

  it('still answers when MLflow is down, naming it and its URL', async () => {
    const t = createTestCore();
    const msg = 'MLflow at http://127.0.0.1:5000 is unreachable (connection refused). Is it running? Check MLFLOW_URL.';
    t.mlflow.failNext(new BotError('UPSTREAM_UNAVAILABLE', msg, { service: 'mlflow', userMessage: msg }));
    const m = await t.core.plan(lineInvocation('status')).run();
    expect(m.title).toBe('Needs attention');
    expect(m.fields).toContainEqual({ label: 'MLflow', value: msg });
  });
});

describe('help', () => {
  it('shows a reader only the read verbs', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation('help', reader)).run();
    expect(m.text).toContain('`runs <dag>');
    expect(m.text).not.toContain('`trigger');
  });

  it('explains one verb', async () => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation('help trigger', reader)).run();
    expect(m.text).toContain('`trigger <dag> [key=value ...] [--conf <string>] [--run-id <string>]`');
    expect(m.footer).toBe('Needs the operate role.');
  });
});

describe('audit', () => {
  it('shows the latest audited actions to an admin, newest first', async () => {
    const t = createTestCore();
    await t.core.plan(lineInvocation('pause train_model', operator)).run();
    await t.core.plan(lineInvocation('unpause train_model', operator)).run();
    const m = await t.core.plan(lineInvocation('audit --limit 5', admin)).run();
    expect(m.title).toBe('Last 2 audited actions');
    expect(m.text?.split('\n')[0]).toMatch(/`slack:UOPS` `unpause train_model` → ok/);
  });
});
