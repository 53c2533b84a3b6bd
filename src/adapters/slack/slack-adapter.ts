import { App } from '@slack/bolt';
import type { ActionRefs } from '../../bot/action-refs.js';
import type { Logger } from '../../bot/logger.js';
import type { BotCore, ChatAdapter } from '../../bot/types.js';
import { type ComponentHealth, createHttpServer, type HttpServer } from '../../http/http-server.js';
import { toBlockKit } from '../../render/block-kit.js';
import { createFollowUpQueue } from './follow-up-queue.js';
import { registerSlackHandlers } from './register-slack-handlers.js';
import { createSlackLogger } from './slack-logger.js';
import { createSlackPoster } from './slack-poster.js';
import {
  createSlackReceiver,
  type SlackMode,
  type SlackReceiver,
  type SlackReceiverOptions,
  slackMode,
} from './slack-receiver.js';
import type { SlackRender } from './slack-render.js';

/** The Slack app's credentials (the config's Slack group) and where HTTP mode listens without a shared server. */
export interface SlackConfig {
  botToken: string;
  /** HTTP mode: Slack signs every request with it. */
  signingSecret?: string;
  /** Socket Mode: an app-level xapp- token. */
  appToken?: string;
  apiUrl: string;
  port: number;
  host: string;
}

export interface SlackAdapterDeps {
  config: SlackConfig;
  log: Logger;
  /** The core may also be given later, to start(). */
  core?: BotCore;
  /** The shared server on PORT; without one, HTTP mode starts its own on config.port. */
  server?: HttpServer;
  render?: SlackRender;
  actionRefs?: Pick<ActionRefs, 'loadActionRef'>;
  receiverFactory?: (o: SlackReceiverOptions) => SlackReceiver;
  /** Socket Mode ping timeout (ms); tests shorten it so a reconnect takes well under a second. */
  clientPingTimeout?: number;
  maxRateLimitRetries?: number;
  /** Commands whose work runs at the same time; more wait their turn (their acks are never held up). */
  concurrency?: number;
}

export interface SlackAdapter extends ChatAdapter {
  readonly mode: SlackMode;
  health(): ComponentHealth;
  /** The base URL of the server serving /slack/events (HTTP mode, once started). */
  readonly url: string | undefined;
}

export function createSlackAdapter(deps: SlackAdapterDeps): SlackAdapter {
  const { config } = deps;
  const log = deps.log.child({ adapter: 'slack' });
  const mode = slackMode(config);
  const logger = createSlackLogger(log);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    // 429s are retried by the poster, only where a retry cannot double a post; nothing is retried silently.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
  const receiver = (deps.receiverFactory ?? createSlackReceiver)({
    mode,
    signingSecret: config.signingSecret,
    appToken: config.appToken,
    clientOptions,
    logger,
    clientPingTimeout: deps.clientPingTimeout,
  });
  // convoStore off: the bot keeps no conversation state, so Bolt need not look any up per event.
  const app = new App({
    token: config.botToken,
    receiver,
    clientOptions,
    logger,
    deferInitialization: true,
    convoStore: false,
  });
  const render = deps.render ?? toBlockKit;
  const poster = createSlackPoster({ client: app.client, render, log, maxRateLimitRetries: deps.maxRateLimitRetries });
  let core = deps.core;
  let state: 'new' | 'started' | 'stopped' = 'new';
  let connected = false;
  let ownServer: HttpServer | undefined;
  let url: string | undefined;

  const followUps = createFollowUpQueue({ concurrency: deps.concurrency ?? 16 });
  registerSlackHandlers({ app, core: () => core, poster, render, log, actionRefs: deps.actionRefs, followUps });
  app.error(async (err) => {
    log.error({ err }, 'slack listener failed');
  });

  const socket = 'client' in receiver ? receiver.client : undefined;
  socket?.on('connected', () => {
    connected = true;
  });
  socket?.on('disconnected', () => {
    connected = false;
  });

  // On a shared server the route exists from the start, answering 503 until Bolt is initialised (the server may
  // start first), so Slack sees "try later" rather than 404.
  function mount(server: HttpServer): void {
    if (!('requestListener' in receiver)) throw new Error('HTTP mode needs an HTTPReceiver');
    server.route('POST', '/slack/events', (req, res) => {
      if (state !== 'started') {
        res.writeHead(503).end();
        return;
      }
      followUps.ackStarted();
      res.once('close', () => followUps.ackFinished());
      receiver.requestListener(req, res);
    });
  }
  if (mode === 'http' && deps.server) mount(deps.server);

  function health(): ComponentHealth {
    const ok = state === 'started' && (mode === 'http' || connected);
    return mode === 'socket' ? { ok, mode, state, connected } : { ok, mode, state };
  }

  return {
    platform: 'slack',
    mode,
    health,
    get url() {
      return url;
    },
    async start(c) {
      if (state !== 'new') throw new Error('the Slack adapter starts once');
      core = c;
      if (mode === 'socket') {
        await app.init();
        await app.start();
      } else {
        await app.init(); // auth.test: fails fast on a wrong token or SLACK_API_URL
        if (!deps.server) {
          ownServer = createHttpServer({ port: config.port, host: config.host, log });
          mount(ownServer);
          ownServer.registerHealth('adapters', 'slack', health);
          url = (await ownServer.start()).url;
        }
      }
      state = 'started';
      log.info({ mode }, 'slack adapter started');
    },
    post: (to, message) => poster.post(to, message),
    update: (ref, message) => poster.update(ref, message),
    async stop() {
      if (state !== 'started') {
        state = 'stopped';
        return;
      }
      state = 'stopped';
      if (mode === 'socket') {
        await app.stop();
        // app.stop() does not await the close handshake; a stand-in stopped first would hold the process 30 s.
        const deadline = Date.now() + 2_000;
        while (connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      }
      await ownServer?.stop();
    },
  };
}
