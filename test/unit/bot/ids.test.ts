import { describe, expect, it } from 'vitest';
import { checkId, ID_RULES, type IdKind, settableAlias } from '../../../src/bot/ids.js';

/** Per kind: names the upstream really uses, and names that must never reach a URL or a query. */
const CASES: Record<IdKind, { good: string[]; bad: string[] }> = {
  dag: { good: ['train_model', 'etl.v2-nightly'], bad: ['', 'bad dag', '../x', '..', 'tâche', 'x'.repeat(251)] },
  run: {
    good: ['manual__2026-11-26T09:00:00+00:00', 'scheduled__1~a'],
    bad: ['a/b', 'run id', '.', 'x'.repeat(251)],
  },
  task: { good: ['fit', 'group.fit-1'], bad: ['...', 'a/b', 'tâche'] },
  model: { good: ['churn model', 'o’brien'], bad: ['', '   ', '..', 'x'.repeat(257)] },
  experiment: { good: ['Default', '/Shared/churn'], bad: ['', ' ', '.', 'x'.repeat(257)] },
  metric: { good: ['accuracy', 'val/loss'], bad: ['', ' ', 'x'.repeat(251)] },
  mlflowRun: { good: ['0123456789abcdef0123456789abcdef'], bad: ['', '..'] },
  modelVersion: { good: ['1', '42', '999999999'], bad: ['0', '03', 'latest', '1.5', '1234567890'] },
  alias: { good: ['champion', 'prod_2-b', 'latest'], bad: ['has space', 'a/b', '', 'x'.repeat(256)] },
  service: { good: ['mlflow', 'airflow-apiserver', 'db.1'], bad: ['../containers/x', '-x', '.', 'x'.repeat(129)] },
};

describe('the one id module', () => {
  it.each(Object.entries(CASES))('accepts and refuses the same %s names in a verb and in a client', (kind, c) => {
    const k = kind as IdKind;

    const verbAccepts = (v: string) => ID_RULES[k].safeParse(v).success;
    const clientAccepts = (v: string) => {
      try {
        checkId(k, v, 'airflow');
        return true;
      } catch {
        return false;
      }
    };

    expect(c.good.map(verbAccepts)).toEqual(c.good.map(() => true));
    expect(c.good.map(clientAccepts)).toEqual(c.good.map(() => true));
    expect(c.bad.map(verbAccepts)).toEqual(c.bad.map(() => false));
    expect(c.bad.map(clientAccepts)).toEqual(c.bad.map(() => false));
  });

  it('lets a verb move no alias MLflow keeps for itself', () => {
    expect(['champion', 'latest', 'V3', 'v12'].map((a) => settableAlias.safeParse(a).success)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('refuses in a client with the rule’s own words, the value cut short and the upstream named', () => {
    expect(() => checkId('dag', `${'x'.repeat(70)} y`, 'airflow')).toThrow(
      expect.objectContaining({
        code: 'OPTIONS_INVALID',
        service: 'airflow',
        userMessage: `'${'x'.repeat(60)}': not a valid DAG id (letters, digits, _ . - only).`,
      }),
    );
    expect(() => checkId('model', '..', 'mlflow')).toThrow(
      expect.objectContaining({ userMessage: "'..': dots alone are not a name." }),
    );
  });
});
