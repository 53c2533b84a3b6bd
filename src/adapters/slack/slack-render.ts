import type { types } from '@slack/bolt';
import type { Message } from '../../bot/message.js';

export interface SlackRendered {
  text: string;
  blocks: (types.KnownBlock | types.Block)[];
}

/** Message -> Block Kit; `toBlockKit` in production, so the adapter never builds blocks itself. */
export type SlackRender = (message: Message) => SlackRendered;
