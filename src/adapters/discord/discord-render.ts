import type { Message } from '../../bot/message.js';
import { toDiscord } from '../../render/discord.js';
import type { CustomIds } from './custom-ids.js';

/** What every reply, edit and post sends: content is always present, so an edit clears what it replaces. */
export type DiscordPayload = Omit<ReturnType<typeof toDiscord>, 'content'> & { content: string };

export function createDiscordRender(deps: { customIds: Pick<CustomIds, 'prepare'> }) {
  return async (message: Message): Promise<DiscordPayload> => {
    const customIdFor = await deps.customIds.prepare(message);
    const out = toDiscord(message, { customIdFor });
    return { ...out, content: out.content ?? '' };
  };
}
