import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../bot/logger.js';
import type { Message } from '../../bot/message.js';
import type { Destination, PostedRef } from '../../bot/types.js';
import { type SlackPoster, slackErrorCode } from './slack-poster.js';
import type { SlackRender } from './slack-render.js';

/** Where one invocation's replies go: the first send creates the reply, every later send edits it. */
export interface SlackReply {
  send(message: Message): Promise<void>;
}

export interface SlackReplyDeps {
  mode: 'ephemeral' | 'channel';
  /** The channel (and thread) the invocation came from. */
  origin: Destination;
  userId: string;
  poster: SlackPoster;
  render: SlackRender;
  log: Logger;
  /** Slash commands and clicks have a response_url; mentions do not. */
  respond?: RespondFn;
  /** Confirm and Cancel edit the preview they were clicked on, in place. */
  replaces?: PostedRef | 'response_url';
}

// The bot is not a member of the channel: respond(in_channel) still works there, chat.postMessage does not.
const NOT_POSTABLE = new Set(['not_in_channel', 'channel_not_found']);

export function createSlackReply(deps: SlackReplyDeps): SlackReply {
  const { origin, poster, respond, render } = deps;
  let ref: PostedRef | undefined = typeof deps.replaces === 'object' ? deps.replaces : undefined;
  let responded = deps.replaces === 'response_url';
  let queue: Promise<void> = Promise.resolve();

  async function viaResponseUrl(r: RespondFn, message: Message, inChannel: boolean): Promise<void> {
    await r({
      response_type: inChannel ? 'in_channel' : 'ephemeral',
      replace_original: responded,
      ...render(message),
    });
    responded = true;
  }

  async function deliver(message: Message): Promise<void> {
    if (ref) return poster.update(ref, message);
    if (deps.mode === 'channel' && !responded) {
      try {
        ref = await poster.post(origin, message);
        return;
      } catch (err) {
        if (!respond || !NOT_POSTABLE.has(slackErrorCode(err) ?? '')) throw err;
        deps.log.warn({ channel: origin.channelId }, 'bot is not in the channel; replying through response_url');
      }
    }
    if (respond) return viaResponseUrl(respond, message, deps.mode === 'channel');
    // A mention has no response_url: an ephemeral reply cannot be edited, so each send is a new one.
    await poster.postEphemeral(origin, deps.userId, message);
  }

  return {
    send(message) {
      // Progress edits and the final reply race otherwise: the first must create, the rest must edit, in order.
      const next = queue.then(() => deliver(message));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
