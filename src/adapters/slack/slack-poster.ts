import type { App } from '@slack/bolt';
import { BotError } from '../../bot/errors.js';
import type { Logger } from '../../bot/logger.js';
import type { Message } from '../../bot/message.js';
import type { Destination, PostedRef } from '../../bot/types.js';
import type { SlackRender } from './slack-render.js';

/** Outbound Web API calls: the adapter's post/update and the in-thread replies to mentions. */
export interface SlackPoster {
  post(to: Destination, message: Message): Promise<PostedRef>;
  update(ref: PostedRef, message: Message): Promise<void>;
  postEphemeral(to: Destination, userId: string, message: Message): Promise<void>;
}

export interface SlackPosterDeps {
  client: Pick<App['client'], 'chat'>;
  render: SlackRender;
  log: Logger;
  /** How many 429s one call sits out before giving up (each waits Slack's Retry-After). */
  maxRateLimitRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface SlackErrorShape {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

const shape = (err: unknown): SlackErrorShape => (typeof err === 'object' && err !== null ? err : {});

/** The Web API error code (`not_in_channel`, `invalid_blocks`), or undefined for transport failures. */
export function slackErrorCode(err: unknown): string | undefined {
  if (err instanceof BotError) return (err.cause as SlackErrorShape | undefined)?.data?.error;
  return shape(err).data?.error;
}

function toBotError(method: string, err: unknown): BotError {
  const e = shape(err);
  if (e.code === 'slack_webapi_platform_error')
    return new BotError('UPSTREAM_REJECTED', `Slack refused ${method}: ${e.data?.error ?? 'unknown error'}`, {
      service: 'slack',
      cause: err,
    });
  if (e.code === 'slack_webapi_rate_limited_error')
    return new BotError('UPSTREAM_UNAVAILABLE', `Slack kept rate-limiting ${method}`, { service: 'slack', cause: err });
  return new BotError('UPSTREAM_UNAVAILABLE', `Slack did not answer ${method}`, {
    service: 'slack',
    status: e.statusCode,
    cause: err,
  });
}

/**
 * The WebClient is built with `rejectRateLimitedCalls` and no retries, and this loop retries only a 429: Slack has
 * then certainly not posted the message, so the retry cannot duplicate it. Any other failure (a timeout after Slack
 * may have posted) is thrown to the caller, whose outbox decides.
 */
export function createSlackPoster(deps: SlackPosterDeps): SlackPoster {
  const maxRetries = deps.maxRateLimitRetries ?? 5;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const e = shape(err);
        const retryAfter = e.code === 'slack_webapi_rate_limited_error' ? e.retryAfter : undefined;
        if (retryAfter === undefined || attempt >= maxRetries) throw toBotError(method, err);
        deps.log.warn({ method, retryAfterSec: retryAfter, attempt: attempt + 1 }, 'slack rate limited; waiting');
        await sleep(retryAfter * 1000);
      }
    }
  }

  return {
    async post(to, message) {
      const body = deps.render(message);
      const res = await call('chat.postMessage', () =>
        deps.client.chat.postMessage({ channel: to.channelId, thread_ts: to.threadId, ...body }),
      );
      if (!res.ts) throw new BotError('UPSTREAM_CONTRACT', 'Slack chat.postMessage answered without a ts');
      return { platform: 'slack', channelId: res.channel ?? to.channelId, messageId: res.ts };
    },
    async update(ref, message) {
      const body = deps.render(message);
      await call('chat.update', () => deps.client.chat.update({ channel: ref.channelId, ts: ref.messageId, ...body }));
    },
    async postEphemeral(to, userId, message) {
      const body = deps.render(message);
      await call('chat.postEphemeral', () =>
        deps.client.chat.postEphemeral({ channel: to.channelId, user: userId, thread_ts: to.threadId, ...body }),
      );
    },
  };
}
