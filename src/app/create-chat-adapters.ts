import type { AutocompleteProvider } from '../adapters/discord/autocomplete-cache.js';
import { createDiscordAdapter } from '../adapters/discord/discord-adapter.js';
import { createSlackAdapter } from '../adapters/slack/slack-adapter.js';
import type { ActionRefs } from '../bot/action-refs.js';
import type { Logger } from '../bot/logger.js';
import type { ChatAdapter } from '../bot/types.js';
import type { HttpServer } from '../http/http-server.js';
import type { Config } from './config.js';

export interface ChatAdaptersDeps {
  config: Config;
  log: Logger;
  store: ActionRefs;
  /** The shared server on PORT (Slack events, /healthz). */
  server: HttpServer;
  /** registry.toDiscordCommand(), registered by the Discord adapter at start. */
  discordCommand: () => unknown;
  suggest?: AutocompleteProvider;
}

/** Only the platforms whose configuration group is complete; the console needs no adapter here. */
export function createChatAdapters(deps: ChatAdaptersDeps): ChatAdapter[] {
  const { config, log } = deps;
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    const slack = createSlackAdapter({
      config: { ...config.slack, port: config.PORT, host: config.HOST },
      log,
      server: deps.server,
      actionRefs: deps.store,
    });
    deps.server.registerHealth('adapters', 'slack', () => slack.health());
    adapters.push(slack);
  }
  if (config.discord) {
    const discord = createDiscordAdapter({
      config: config.discord,
      commandJson: deps.discordCommand,
      store: deps.store,
      autocomplete: deps.suggest,
      log,
    });
    deps.server.registerHealth('adapters', 'discord', () => discord.health());
    adapters.push(discord);
  }
  return adapters;
}
