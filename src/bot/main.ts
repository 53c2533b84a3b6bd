import { hostname, userInfo } from 'node:os';
import { createHttpServer } from '../adapters/http-server.js';
import { createAdapters } from '../adapters/index.js';
import { createAirflowClient } from '../clients/airflow/airflow-client.js';
import type { Clients } from '../clients/clients.js';
import { createDockerClient } from '../clients/docker/docker-client.js';
import { safeUrl } from '../clients/http/safe-url.js';
import { createMlflowClient } from '../clients/mlflow/mlflow-client.js';
import { createSuggestions } from '../commands/autocomplete.js';
import { commandSet } from '../commands/index.js';
import { createScheduler, type Scheduler } from '../scheduler/scheduler.js';
import { createAirflowFailureWatcher } from '../scheduler/watchers/airflow-failures.js';
import { createDockerHealthWatcher } from '../scheduler/watchers/docker-health.js';
import { createMlflowBestWatcher, watchesFromSubscriptions } from '../scheduler/watchers/mlflow-best.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { createAirflowWebhook } from '../webhooks/airflow-webhook.js';
import { createMlflowWebhook } from '../webhooks/mlflow-webhook.js';
import { mountWebhooks } from '../webhooks/mount-webhooks.js';
import type { Config } from './config.js';
import { type Core, createCore } from './core.js';
import type { Logger } from './logger.js';
import { createRoles } from './permissions.js';
import { createRegistry, type Registry } from './registry.js';
import type { Actor, ChatAdapter, Destination, Platform } from './types.js';

export interface App {
  config: Config;
  log: Logger;
  clients: Clients;
  store: Store;
  registry: Registry;
  core: Core;
  close(): Promise<void>;
}

/** The composition root shared by the CLI and the server: config → clients → store → registry → core. */
export function createApp(deps: { config: Config; log: Logger }): App {
  const { config, log } = deps;
  const clients: Clients = {
    airflow: createAirflowClient({
      baseUrl: config.AIRFLOW_URL,
      // Links are posted in chat: never with credentials from the API URL.
      uiUrl: safeUrl(config.AIRFLOW_UI_URL ?? config.AIRFLOW_URL),
      username: config.AIRFLOW_USERNAME,
      password: config.AIRFLOW_PASSWORD,
      apiVersion: config.AIRFLOW_API_VERSION,
      timeoutMs: config.HTTP_TIMEOUT_MS,
      log,
    }),
    mlflow: createMlflowClient({
      baseUrl: config.MLFLOW_URL,
      uiUrl: safeUrl(config.MLFLOW_UI_URL ?? config.MLFLOW_URL),
      username: config.MLFLOW_TRACKING_USERNAME,
      password: config.MLFLOW_TRACKING_PASSWORD,
      timeoutMs: config.HTTP_TIMEOUT_MS,
      log,
    }),
    docker: createDockerClient({ dockerHost: config.DOCKER_HOST, project: config.COMPOSE_PROJECT, log }),
  };
  const store = openStore(config);
  const registry = createRegistry(commandSet, { logRole: config.MLOPS_LOG_ROLE });
  const core = createCore({
    registry,
    services: { clients, store },
    store,
    roles: createRoles({ admins: config.admins, operators: config.operators, consoleRole: config.CONSOLE_ROLE }),
    log,
    timeoutMs: config.COMMAND_TIMEOUT_MS,
    confirmTtlMs: config.CONFIRM_TTL * 1000,
  });
  return {
    config,
    log,
    clients,
    store,
    registry,
    core,
    async close() {
      await core.stop();
      await store.close();
    },
  };
}

/** The terminal user: `console:<os user>`; their role comes from CONSOLE_ROLE. */
export function consoleActor(): Actor {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    // Some containers run as a uid without a passwd entry.
  }
  return { platform: 'console', userId: user.replace(/[^\w.@-]/g, '_'), displayName: user, roleIds: [] };
}

export const consoleOrigin: Destination = { platform: 'console', channelId: `tty@${hostname()}` };

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
  const adapters = createAdapters({
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
          (await store.listAudit({ limit: 500 })).find((e) => {
            // Compare whole tokens: `train` must not match a retry of `train_v2`.
            const [verb, d, r] = e.line.split(/\s+/);
            return verb === 'retry' && e.outcome === 'ok' && d === dag && r === run;
          })?.actor,
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
  const defaults = config.alertChannels.map(parseDestination).filter((d): d is Destination => d !== undefined);
  mountWebhooks(server, {
    airflow: createAirflowWebhook({
      secret: config.AIRFLOW_WEBHOOK_SECRET,
      store,
      kick: () => scheduler.runOnce('airflow-failures'),
      log: log.child({ webhook: 'airflow' }),
    }),
    mlflow: createMlflowWebhook({
      secret: config.MLFLOW_WEBHOOK_SECRET,
      store,
      defaults,
      uiUrl: safeUrl(config.MLFLOW_UI_URL ?? config.MLFLOW_URL),
      drain: () => scheduler.drain(),
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
