import { type Core, createCore } from '../bot/core.js';
import type { Logger } from '../bot/logger.js';
import { createRoles } from '../bot/permissions.js';
import { createRegistry, type Registry } from '../bot/registry.js';
import { createAirflowClient } from '../clients/airflow/airflow-client.js';
import type { Clients } from '../clients/clients.js';
import { createDockerClient } from '../clients/docker/docker-client.js';
import { safeUrl } from '../clients/http/safe-url.js';
import { createMlflowClient } from '../clients/mlflow/mlflow-client.js';
import type { CommandServices } from '../commands/define-command.js';
import { commandSet } from '../commands/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { Config } from './config.js';

export interface App {
  config: Config;
  log: Logger;
  clients: Clients;
  store: Store;
  registry: Registry<CommandServices>;
  core: Core<CommandServices>;
  close(): Promise<void>;
}

/** The composition root shared by the console and the server: config → clients → store → registry → core. */
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
