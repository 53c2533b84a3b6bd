import type { ActionRefs } from '../../bot/action-refs.js';
import type { Message } from '../../bot/message.js';

export const CUSTOM_ID_MAX = 100;
/** Long lines are stored by reference; a week covers buttons on incident cards clicked days later. */
export const ACTION_REF_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface CustomIds {
  /** Stores the lines of `message` that do not fit a custom_id and returns the synchronous mapper toDiscord needs. */
  prepare(message: Message): Promise<(line: string) => string>;
  /** The command line a clicked custom_id stands for, or undefined when unknown or expired. */
  resolve(customId: string): Promise<string | undefined>;
}

/** Every button carries its command line: `cmd:<line>` when it fits in 100 characters, else `ref:<id>`. */
export function createCustomIds(deps: { store: ActionRefs; ttlMs?: number }): CustomIds {
  const ttl = deps.ttlMs ?? ACTION_REF_TTL_MS;
  return {
    async prepare(message) {
      const refs = new Map<string, string>();
      for (const a of message.actions ?? []) {
        if (a.kind !== 'command' || `cmd:${a.command}`.length <= CUSTOM_ID_MAX || refs.has(a.command)) continue;
        refs.set(a.command, `ref:${await deps.store.saveActionRef(a.command, ttl)}`);
      }
      return (line) => refs.get(line) ?? `cmd:${line}`;
    },
    async resolve(customId) {
      if (customId.startsWith('cmd:')) return customId.slice(4);
      if (customId.startsWith('ref:')) return deps.store.loadActionRef(customId.slice(4));
      return undefined;
    },
  };
}
