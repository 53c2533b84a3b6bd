import { describe, expect, it } from 'vitest';
import { createSuggestions } from '../../../src/commands/autocomplete.js';
import { fakeDag, fakeRun } from '../../fakes/fake-airflow.js';
import { fakeExperiment, fakeMlRun } from '../../fakes/fake-mlflow.js';
import { createTestCore } from '../../fakes/test-core.js';

function setup() {
  const t = createTestCore();
  t.airflow.dags.set('etl_daily', fakeDag('etl_daily'));
  t.airflow.runs.push(fakeRun('train_model', 'manual__1'), fakeRun('train_model', 'scheduled__2'));
  t.mlflow.experiments.push(fakeExperiment('fraud', '2'));
  t.mlflow.runs.push(fakeMlRun('r1', '1', { accuracy: 0.9, loss: 0.1 }));
  t.mlflow.addVersion('churn', '1');
  t.docker.services = [
    {
      service: 'mlflow',
      containerId: 'c1',
      containerName: 'm',
      image: 'i',
      state: 'running',
      health: 'healthy',
      restartCount: 0,
    },
  ];
  const suggest = createSuggestions({ clients: { airflow: t.airflow, mlflow: t.mlflow, docker: t.docker } });
  return { t, suggest };
}

describe('createSuggestions', () => {
  it('offers DAG ids matching what was typed', async () => {
    const { suggest } = setup();
    expect(await suggest({ verb: 'runs', option: 'dag', partial: 'etl', options: {} })).toEqual(['etl_daily']);
  });

  it('offers run ids of the DAG already chosen, and nothing without one', async () => {
    const { suggest } = setup();
    expect(await suggest({ verb: 'run', option: 'run_id', partial: 'man', options: { dag: 'train_model' } })).toEqual([
      'manual__1',
    ]);
    expect(await suggest({ verb: 'run', option: 'run_id', partial: '', options: {} })).toEqual([]);
  });

  it('offers experiments, their metrics, models and services', async () => {
    const { suggest } = setup();
    expect(await suggest({ verb: 'best', option: 'experiment', partial: 'FR', options: {} })).toEqual(['fraud']);
    expect(await suggest({ verb: 'best', option: 'metric', partial: '', options: { experiment: 'churn' } })).toEqual([
      'accuracy',
      'loss',
    ]);
    expect(await suggest({ verb: 'model', option: 'model', partial: 'ch', options: {} })).toEqual(['churn']);
    expect(await suggest({ verb: 'restart', option: 'service', partial: '', options: {} })).toEqual(['mlflow']);
  });
});
