import type { Logger } from '../../bot/logger.js';
import type { Message } from '../../bot/message.js';
import type { DiscordPayload } from './discord-render.js';

/** Interaction tokens last 15 minutes; past this age a channel reply is edited through the bot's own route. */
export const TOKEN_SAFE_AGE_MS = 14 * 60 * 1000;

export interface ReplyEditor {
  /** Queues an edit of the reply; edits land in call order, so a late progress update never hides the result. */
  edit(message: Message): Promise<void>;
}

export function createReplyEditor(deps: {
  edit: (payload: DiscordPayload) => Promise<string>;
  editByChannel: (messageId: string, payload: DiscordPayload) => Promise<unknown>;
  canEditByChannel: boolean;
  render: (message: Message) => Promise<DiscordPayload>;
  log: Logger;
  now?: () => number;
}): ReplyEditor {
  const now = deps.now ?? Date.now;
  const started = now();
  let messageId: string | undefined;
  let chain = Promise.resolve();
  const apply = async (message: Message) => {
    const payload = await deps.render(message);
    if (now() - started < TOKEN_SAFE_AGE_MS) {
      messageId = await deps.edit(payload);
    } else if (deps.canEditByChannel && messageId) {
      await deps.editByChannel(messageId, payload);
    } else {
      deps.log.warn('reply expired: ephemeral replies cannot be edited after 15 minutes');
    }
  };
  return {
    edit(message) {
      const next = chain.then(() => apply(message));
      chain = next.catch((err: unknown) => deps.log.error({ err }, 'discord reply edit failed'));
      return next;
    },
  };
}
