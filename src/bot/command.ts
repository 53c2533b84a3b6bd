import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Message } from './message.js';
import type { Actor, Destination, ProgressSink } from './types.js';

export type Permission = 'read' | 'operate' | 'admin';

/** What `help` needs from the registry, without handing commands the registry itself. */
export interface CommandCatalog {
  /** Help listing only the verbs `can` allows; with a verb, that verb's usage and options. */
  help(can: (p: Permission) => boolean, verb?: string): Message;
}

/** What the core gives every handler, whatever the bot's services are. */
export interface CommandBase<O> {
  options: O;
  /** key=value pairs the spec did not declare; only filled for specs with `passthrough`. */
  extra: Readonly<Record<string, string>>;
  actor: Actor;
  origin: Destination;
  catalog: CommandCatalog;
  log: Logger;
  /** Aborted on the command timeout; pass it to every client call. */
  signal: AbortSignal;
  clock: Clock;
  /** Present when the caller can show edits of the reply (chat adapters, console). */
  progress?: ProgressSink;
  /** Work to run after the reply is delivered (progress polling), with its own long-lived signal. */
  after(task: (signal: AbortSignal) => Promise<void>): void;
  /** The caller's permission check, for replies that offer further buttons. */
  can(p: Permission): boolean;
}

/**
 * A handler's context: the core's part plus the services the composition root hands the core (for this bot, the
 * clients and the store: src/commands/define-command.ts). The kernel never names them, so it imports no client or
 * store code; `Svc` is checked where the registry and the core are built.
 */
export type CommandContext<O, Svc = unknown> = CommandBase<O> & Svc;

export interface CommandSpec<S extends z.ZodObject = z.ZodObject, Svc = unknown> {
  /** The verb: lowercase, at most 32 characters, unique. */
  name: string;
  /** At most 100 characters: it is the Discord description. */
  summary: string;
  /** Positional order. */
  args?: readonly (keyof z.infer<S> & string)[];
  /** Every field .describe()d. */
  options: S;
  permission: Permission;
  /**
   * Shows upstream log text, which may hold a secret that masking missed: MLOPS_LOG_ROLE decides who may run it, and
   * `permission` is its default.
   */
  readsLogs?: boolean;
  /** Defaults to 'ephemeral'. */
  reply?: 'ephemeral' | 'channel';
  /** Collect undeclared key=value pairs into ctx.extra instead of rejecting them (trigger's conf pairs). */
  passthrough?: boolean;
  /** Left out of help and the Discord command (the built-in `cancel`). */
  hidden?: boolean;
  // Method syntax on purpose: parameters are checked bivariantly, so every spec fits CommandSpec[] without `any`.
  confirm?(ctx: CommandContext<z.infer<S>, Svc>): Promise<Message>;
  handler(ctx: CommandContext<z.infer<S>, Svc>): Promise<Message>;
}

/** A spec that needs no services (tests, the kernel's own examples); the bot's verbs use src/commands/define-command.ts. */
export const defineCommand = <S extends z.ZodObject>(spec: CommandSpec<S>): CommandSpec<S> => spec;
