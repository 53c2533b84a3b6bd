import type { Topic } from '../../store/store.js';

/** What people type, and the store's topic behind it. */
export const TOPICS = {
  failures: 'airflow.failures',
  best: 'mlflow.best',
  models: 'mlflow.registry',
  containers: 'docker.health',
} as const satisfies Record<string, Topic>;

export type TopicWord = keyof typeof TOPICS;

export const topicWord = (t: Topic): TopicWord =>
  (Object.entries(TOPICS).find(([, v]) => v === t)?.[0] as TopicWord | undefined) ?? 'failures';

export function describeFilter(topic: Topic, filter: Record<string, string>): string {
  switch (topic) {
    case 'airflow.failures':
      return `DAGs ${filter.dag ?? '*'}${filter.tag ? ` tagged ${filter.tag}` : ''}`;
    case 'mlflow.best':
      return `${filter.metric ?? '?'} (${filter.order ?? 'max'}) in ${filter.experiment ?? '?'}`;
    case 'mlflow.registry':
      return `models ${filter.model ?? '*'}`;
    case 'docker.health':
      return `services ${filter.service ?? '*'}`;
  }
}
