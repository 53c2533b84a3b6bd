import type { ChatAdapter, Destination, Platform } from '../bot/types.js';
import { safeUrl } from '../clients/http/safe-url.js';
import { createSuggestions } from '../commands/autocomplete.js';
import { createHttpServer } from '../http/http-server.js';
import { createAirflowWebhook } from '../http/webhooks/airflow-webhook.js';
import { createMlflowWebhook } from '../http/webhooks/mlflow-webhook.js';
import { mountWebhooks } from '../http/webhooks/mount-webhooks.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createAirflowFailureWatcher } from '../scheduler/watchers/airflow-failures.js';
import { createDockerHealthWatcher } from '../scheduler/watchers/docker-health.js';
import { createMlflowBestWatcher, watchesFromSubscriptions } from '../scheduler/watchers/mlflow-best.js';
import type { App } from './create-app.js';
import { createChatAdapters } from './create-chat-adapters.js';

function parseDestination(s: string): Destination | undefined {
  const i = s.indexOf(':');
  const platform = s.slice(0, i) as Platform;
  return i > 0 ? { platform, channelId: s.slice(i + 1) } : undefined;
}

export interface Server {
  adapters: readonly ChatAdapter[];
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/** `mlops-bot serve`: the HTTP server, the configured chat adapters and the watchers. */
export async function serve(app: App): Promise<Server> {
  const { config, log, clients, store, core, registry } = app;
  const server = createHttpServer({ port: config.PORT, host: config.HOST, log });
  server.registerHealth('upstream', 'airflow', async () => {
    await clients.airflow.health({ signal: AbortSignal.timeout(2_000) });
    return { ok: true };
  });
  server.registerHealth('upstream', 'mlflow', async () => ({
    ok: (await clients.mlflow.health({ signal: AbortSignal.timeout(2_000) })).ok,
  }));
  const adapters = createChatAdapters({
    config,
    log,
    store,
    server,
    discordCommand: () => registry.toDiscordCommand(),
    suggest: createSuggestions({ clients }),
  });
  const scheduler = createScheduler({
    watchers: [
      createAirflowFailureWatcher({
        airflow: clients.airflow,
        lookbackMs: config.WATCH_LOOKBACK * 1000,
        // The audit log knows who cleared a run from chat; the recovery card names them.
        retriedBy: async (dag, run) =>
          (await store.lastAudit({ verb: 'retry', args: [dag, run], outcome: 'ok' }))?.actor,
      }),
      createMlflowBestWatcher({
        mlflow: clients.mlflow,
        watches: async () => watchesFromSubscriptions(await store.subscriptions({ topic: 'mlflow.best' })),
      }),
      createDockerHealthWatcher({ docker: clients.docker }),
    ],
    store,
    adapters: new Map(adapters.map((a) => [a.platform, a])),
    defaults: config.alertChannels.map(parseDestination).filter((d): d is Destination => d !== undefined),
    log: log.child({ component: 'scheduler' }),
    intervalSec: config.WATCH_INTERVAL,
  });
  mountWebhooks(server, {
    airflow: createAirflowWebhook({
      secret: config.AIRFLOW_WEBHOOK_SECRET,
      scheduler,
      kick: () => scheduler.runOnce('airflow-failures'),
      log: log.child({ webhook: 'airflow' }),
    }),
    mlflow: createMlflowWebhook({
      secret: config.MLFLOW_WEBHOOK_SECRET,
      scheduler,
      uiUrl: safeUrl(config.MLFLOW_UI_URL ?? config.MLFLOW_URL),
      log: log.child({ webhook: 'mlflow' }),
    }),
  });
  await server.start();
  for (const a of adapters) await a.start(core);
  scheduler.start();
  log.info({ adapters: adapters.map((a) => a.platform), port: config.PORT }, 'serving');
  return {
    adapters,
    scheduler,
    async stop() {
      await scheduler.stop();
      for (const a of adapters) await a.stop().catch((err: unknown) => log.warn({ err }, 'adapter stop failed'));
      await server.stop();
      await app.close();
    },
  };
}
