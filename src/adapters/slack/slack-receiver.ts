import { HTTPReceiver, type Logger as SlackLogger, SocketModeReceiver, type webApi } from '@slack/bolt';

export type SlackMode = 'http' | 'socket';

export interface SlackReceiverOptions {
  mode: SlackMode;
  signingSecret?: string;
  appToken?: string;
  clientOptions: webApi.WebClientOptions;
  logger: SlackLogger;
  /** Socket Mode ping timeout, also its reconnect back-off unit; tests shorten it. */
  clientPingTimeout?: number;
}

export type SlackReceiver = HTTPReceiver | SocketModeReceiver;

/** Socket Mode when an app token is configured, else HTTP; the same clientOptions (SLACK_API_URL) in both. */
export function createSlackReceiver(o: SlackReceiverOptions): SlackReceiver {
  if (o.mode === 'socket') {
    if (!o.appToken) throw new Error('Socket Mode needs SLACK_APP_TOKEN');
    return new SocketModeReceiver({
      appToken: o.appToken,
      logger: o.logger,
      clientPingTimeout: o.clientPingTimeout,
      // Without this the socket client's own WebClient calls slack.com and app.start() hangs (chat-standins §3).
      installerOptions: { clientOptions: o.clientOptions },
    });
  }
  if (!o.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
  return new HTTPReceiver({ signingSecret: o.signingSecret, logger: o.logger, endpoints: ['/slack/events'] });
}

export const slackMode = (c: { appToken?: string }): SlackMode => (c.appToken ? 'socket' : 'http');
