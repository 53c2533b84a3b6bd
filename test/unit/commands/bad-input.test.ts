import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import { dockerCommands } from '../../../src/commands/docker/index.js';
import { coreCommands } from '../../../src/commands/index.js';
import { admin, createTestCore, lineInvocation, operator } from '../../fakes/test-core.js';

const big = 'x'.repeat(70 * 1024);

describe('bad input gets a clear message and changes nothing', () => {
  it.each([
    ['unknown verb suggests the closest', 'runz train_model', /^Unknown command `runz`\. Did you mean `runs`\?/],
    [
      'missing argument shows usage',
      'logs train_model',
      /^Missing <run_id> <task>\.\nUsage: `logs <dag> <run_id> <task>/,
    ],
    [
      'unknown option lists the known ones',
      'runs train_model --colour red',
      /Unknown option `--colour`\. Options: `state`, `limit`\./,
    ],
    [
      'bad enum value',
      'runs train_model --state exploded',
      /`state`: Invalid option: expected one of "queued"\|"running"\|"success"\|"failed"/,
    ],
    [
      'malformed JSON says where',
      `trigger train_model --conf '{"lr": 0.01,}'`,
      /conf is not valid JSON: at line 1, column 13\./,
    ],
    ['JSON that is not an object', `trigger train_model --conf '[1]'`, /conf must be a JSON object/],
    ['conf over 64 KB', `trigger train_model --conf '{"a":"${big}"}'`, /conf is 71 KB; the limit is 64 KB\./],
    ['conf pairs over 64 KB', `trigger train_model blob=${big}`, /conf is 71 KB; the limit is 64 KB\./],
    ['a DAG id with a space', 'trigger "train model"', /`dag`: not a valid DAG id/],
    ['a DAG id with a slash', 'pause ../../admin', /`dag`: not a valid DAG id/],
    ['a run id with a slash', 'run train_model a/b', /`run_id`: not a valid run id/],
    ['a task id with unicode', 'logs train_model r1 tâche', /`task`: not a valid task id/],
    ['a model version that is not a number', 'promote churn two --yes', /`version`: a model version is a number/],
    ['an unclosed quote', 'trigger train_model note="oops', /is never closed/],
  ])('%s', async (_name, line, expected) => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation(line, admin)).run();
    expect(m.text).toMatch(expected);
    expect(t.airflow.triggered).toEqual([]);
    expect(t.airflow.calls.filter((c) => c.method !== 'getDag')).toEqual([]);
    expect(t.mlflow.calls).toEqual([]);
  });

  it('rejects bad ids before any request', async () => {
    const t = createTestCore();
    for (const line of ['runs "a b"', 'run x "r 1"', 'logs x r "t;rm"', 'retry x "r\\"1" --yes', 'unpause é'])
      await t.core.plan(lineInvocation(line, operator)).run();
    expect(t.airflow.calls).toEqual([]);
  });

  it.each([
    'runs .',
    'pause ..',
    'trigger ...',
    'run .. r1',
    'run train_model ..',
    'logs train_model r1 ..',
    'retry train_model . --yes',
    'model ..',
    'promote .. 1 --alias champion --yes',
    'best .. f1',
    'restart .. --yes',
    'service-logs .',
  ])('rejects the id in `%s`, dots alone, before any request', async (line) => {
    const t = createTestCore({ commands: [...coreCommands, ...dockerCommands] });

    const m = await t.core.plan(lineInvocation(line, admin)).run();

    expect(m.tone).toBe('warning');
    expect(m.text).toMatch(/dots alone are not a name|not a compose service name/);
    expect([t.airflow.calls, t.mlflow.calls, t.docker.calls]).toEqual([[], [], []]);
  });

  it.each([
    ['a DAG', 'run nope r1', 'Run `r1` of DAG `nope` was not found.'],
    ['a DAG to trigger', 'trigger nope', 'DAG `nope` was not found.'],
    ['an experiment', 'best nope acc', 'Experiment `nope` was not found.'],
    ['a model', 'model nope', 'Model `nope` was not found.'],
  ])('says when %s does not exist', async (_what, line, text) => {
    const t = createTestCore();
    const m = await t.core.plan(lineInvocation(line, operator)).run();
    expect(m.text).toBe(text);
  });

  it('keeps unicode and quotes in values intact', async () => {
    const t = createTestCore();
    await t.core.plan(lineInvocation(`trigger train_model note="l'été “chaud” 🚀" who='a "b"'`, operator)).run();
    expect(t.airflow.triggered[0]?.req?.conf).toEqual({ note: "l'été “chaud” 🚀", who: 'a "b"' });
  });

  it('names the service and URL when Airflow is down', async () => {
    const t = createTestCore();
    const msg = 'Airflow at http://127.0.0.1:8082 did not answer within 10 s. Is it running? Check AIRFLOW_URL.';
    t.airflow.failNext(new BotError('UPSTREAM_UNAVAILABLE', msg, { service: 'airflow', userMessage: msg }));
    const m = await t.core.plan(lineInvocation('runs train_model')).run();
    expect(m.text).toBe(msg);
  });
});
