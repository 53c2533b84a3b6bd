import { z } from 'zod';
import type { Logger } from '../bot/logger.js';
import type { Destination } from '../bot/types.js';
import { type RegistryEvent, registryCard } from '../scheduler/cards/mlflow-cards.js';
import { routeAlerts } from '../scheduler/route-alerts.js';
import type { Store } from '../store/store.js';
import type { WebhookResponse } from './airflow-webhook.js';
import { verifyMlflowSignature } from './signatures.js';

const payload = z.object({
  entity: z.string(),
  action: z.string(),
  timestamp: z.string().optional(),
  data: z
    .object({
      name: z.string(),
      version: z.union([z.string(), z.number()]).optional(),
      alias: z.string().optional(),
      run_id: z.string().nullish(),
    })
    .loose(),
});

export interface MlflowWebhookDeps {
  secret: string | undefined;
  store: Pick<Store, 'subscriptions' | 'mutes' | 'postedRefs' | 'commitTick' | 'noteHeld'>;
  defaults: readonly Destination[];
  uiUrl: string;
  drain: () => Promise<void>;
  log: Logger;
  now?: () => Date;
}

function toEvent(p: z.infer<typeof payload>, uiUrl: string): RegistryEvent | undefined {
  const name = p.data.name;
  const version = p.data.version === undefined ? undefined : String(p.data.version);
  const url = `${uiUrl}/#/models/${encodeURIComponent(name)}${version ? `/versions/${version}` : ''}`;
  const what = `${p.entity}.${p.action}`.toLowerCase();
  if (what === 'model_version.created')
    return { model: name, kind: 'version_created', version, runId: p.data.run_id ?? undefined, url };
  if (what === 'model_version_alias.created' || what === 'model_version_alias.set')
    return { model: name, kind: 'alias_set', alias: p.data.alias, version, url };
  if (what === 'model_version_alias.deleted') return { model: name, kind: 'alias_deleted', alias: p.data.alias, url };
  return undefined;
}

export function createMlflowWebhook(deps: MlflowWebhookDeps) {
  const now = deps.now ?? (() => new Date());
  return async function handle(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookResponse> {
    if (!deps.secret) return { status: 404, body: { error: 'the MLflow webhook is off: set MLFLOW_WEBHOOK_SECRET' } };
    if (!verifyMlflowSignature(raw, headers, deps.secret)) return { status: 401, body: { error: 'bad signature' } };
    let p: z.infer<typeof payload>;
    try {
      p = payload.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not an MLflow webhook payload' } };
    }
    const ev = toEvent(p, deps.uiUrl);
    if (!ev) return { status: 200, body: { ignored: `${p.entity}.${p.action}` } };
    const delivery = String(headers['x-mlflow-delivery-id'] ?? `${p.entity}.${p.action}.${p.data.name}.${p.timestamp}`);
    const items = await routeAlerts(
      { store: deps.store, defaults: deps.defaults },
      'mlflow.registry',
      [
        {
          key: `mlflow:registry:${delivery}`,
          kind: 'notice',
          message: registryCard(ev),
          match: { model: ev.model },
          subject: ev.model,
        },
      ],
      now(),
    );
    // Written before answering: MLflow retries a failed delivery, and the delivery id keeps a retry from doubling posts.
    await deps.store.commitTick('mlflow-webhook', delivery, items);
    deps
      .drain()
      .catch((err) => deps.log.warn({ err: (err as Error).message }, 'outbox drain after mlflow webhook failed'));
    deps.log.info({ model: ev.model, kind: ev.kind, posts: items.length }, 'mlflow webhook');
    return { status: 200, body: { queued: items.length } };
  };
}
