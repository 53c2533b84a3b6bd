import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../bot/logger.js';
import { type RegistryEvent, registryCard } from '../../scheduler/cards/mlflow-cards.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Alert } from '../../scheduler/watcher.js';
import type { WebhookResponse } from './airflow-webhook.js';
import { deliveryOf } from './delivery-window.js';
import { header, verifyMlflowSignature } from './signatures.js';

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
  /** Routes the registry card like a watcher's, with the delivery id, and posts it. */
  scheduler: Pick<Scheduler, 'publish'>;
  uiUrl: string;
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

/**
 * MLflow signs its delivery id, so that id names the delivery (and its retries). A sender without one gets a key
 * from everything that tells two events apart, so neither are two events merged nor one posted twice.
 */
function deliveryKey(p: z.infer<typeof payload>, id: string): string {
  if (id) return id;
  const d = p.data;
  const fields = [
    p.entity,
    p.action,
    d.name,
    d.version ?? null,
    d.alias ?? null,
    d.run_id ?? null,
    p.timestamp ?? null,
  ];
  return `event:${createHash('sha256').update(JSON.stringify(fields)).digest('hex')}`;
}

const MAX_DELIVERY_ID = 128;

export function createMlflowWebhook(deps: MlflowWebhookDeps) {
  const now = deps.now ?? (() => new Date());
  return async function handle(
    raw: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookResponse> {
    if (!deps.secret) return { status: 404, body: { error: 'the MLflow webhook is off: set MLFLOW_WEBHOOK_SECRET' } };
    const check = verifyMlflowSignature(raw, headers, deps.secret, now().getTime());
    if (!check.ok) {
      if (check.reason === 'legacy-scheme')
        deps.log.warn(
          'mlflow webhook refused: the sha256= signature has no timestamp, so it could be replayed forever; ' +
            'MLflow 3.x signs with v1 (upgrade the MLflow server that sends it)',
        );
      else deps.log.warn({ reason: check.reason }, 'mlflow webhook refused: bad signature');
      return { status: 401, body: { error: 'bad signature' } };
    }
    const id = header(headers, 'x-mlflow-delivery-id');
    if (id.length > MAX_DELIVERY_ID) return { status: 400, body: { error: 'delivery id too long' } };
    let p: z.infer<typeof payload>;
    try {
      p = payload.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not an MLflow webhook payload' } };
    }
    const ev = toEvent(p, deps.uiUrl);
    if (!ev) return { status: 200, body: { ignored: `${p.entity}.${p.action}` } };
    const delivery = deliveryKey(p, id);
    const alert: Alert = {
      key: `mlflow:registry:${delivery}`,
      kind: 'notice',
      message: registryCard(ev),
      match: { model: ev.model },
      subject: ev.model,
    };
    const published = await deps.scheduler.publish('mlflow.registry', [alert], deliveryOf('mlflow', delivery, now()));
    if (!published.accepted) return duplicate(deps.log, ev.model);
    deps.log.info({ model: ev.model, kind: ev.kind, posts: published.queued }, 'mlflow webhook');
    return { status: 200, body: { queued: published.queued } };
  };
}

function duplicate(log: Logger, model: string): WebhookResponse {
  log.info({ model }, 'mlflow webhook dropped: delivery already received');
  return { status: 200, body: { duplicate: true } };
}
