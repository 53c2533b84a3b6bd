import type { z } from 'zod';
import type { CommandSpec } from '../bot/command.js';
import type { Clients } from '../clients/clients.js';
import type { Store } from '../store/store.js';

/** The part of the state store commands may touch; unit tests pass a small fake. */
export type CommandStore = Pick<
  Store,
  'audit' | 'listAudit' | 'subscribe' | 'unsubscribe' | 'subscriptions' | 'setMute' | 'clearMute' | 'mutes'
>;

/** What this bot's verbs find in their context beside the core's part: the upstream clients and the store. */
export interface CommandServices {
  clients: Clients;
  store: CommandStore;
}

export type BotCommand<S extends z.ZodObject = z.ZodObject> = CommandSpec<S, CommandServices>;

export const defineCommand = <S extends z.ZodObject>(spec: BotCommand<S>): BotCommand<S> => spec;
