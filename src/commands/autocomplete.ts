import type { Clients } from '../clients/clients.js';

/** Structurally the Discord adapter's AutocompleteQuery; kept here so no adapter is imported. */
export interface SuggestQuery {
  verb: string;
  option: string;
  partial: string;
  options: Readonly<Record<string, string | number | boolean>>;
}

const MAX = 25;

function matching(values: Iterable<string>, partial: string): string[] {
  const p = partial.toLowerCase();
  const out: string[] = [];
  for (const v of values) {
    if (v.toLowerCase().includes(p)) out.push(v);
    if (out.length >= MAX) break;
  }
  return out;
}

/** Live values for autocompleted options: DAG ids, run ids of the chosen DAG, experiments, metrics, models, services. */
export function createSuggestions(deps: { clients: Clients; timeoutMs?: number }) {
  const { airflow, mlflow, docker } = deps.clients;
  return async (q: SuggestQuery): Promise<readonly string[]> => {
    const signal = AbortSignal.timeout(deps.timeoutMs ?? 2_500);
    switch (q.option) {
      case 'dag': {
        const page = await airflow.listDags({ pattern: q.partial || undefined, limit: MAX }, { signal });
        return page.items.map((d) => d.dagId);
      }
      case 'run_id': {
        const dag = q.options.dag;
        if (typeof dag !== 'string' || dag === '') return [];
        const page = await airflow.listDagRuns({ dagId: dag, limit: 50 }, { signal });
        return matching(
          page.items.map((r) => r.runId),
          q.partial,
        );
      }
      case 'experiment': {
        const page = await mlflow.searchExperiments({ maxResults: 200 }, { signal });
        return matching(
          page.items.map((e) => e.name),
          q.partial,
        );
      }
      case 'metric': {
        const exp = q.options.experiment;
        if (typeof exp !== 'string' || exp === '') return [];
        const e = await mlflow.getExperimentByName(exp, { signal });
        const runs = await mlflow.searchRuns({ experimentIds: [e.experimentId], maxResults: 20 }, { signal });
        return matching(new Set(runs.items.flatMap((r) => Object.keys(r.metrics))), q.partial);
      }
      case 'model': {
        const page = await mlflow.searchModels({ maxResults: 200 }, { signal });
        return matching(
          page.items.map((m) => m.name),
          q.partial,
        );
      }
      case 'service':
        return matching(
          (await docker.listServices({ signal })).map((s) => s.service),
          q.partial,
        );
      default:
        return [];
    }
  };
}
