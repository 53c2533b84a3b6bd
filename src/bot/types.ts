import type { Message } from './message.js';

export type Platform = 'slack' | 'discord' | 'console';

export interface Actor {
  platform: Platform;
  userId: string;
  displayName?: string;
  roleIds: readonly string[];
}

export interface Destination {
  platform: Platform;
  channelId: string;
  threadId?: string;
}

export interface PostedRef {
  platform: Platform;
  channelId: string;
  messageId: string; // Slack ts, Discord message id
}

export type InvocationInput =
  | { kind: 'line'; line: string } // Slack text, console, buttons
  | { kind: 'structured'; verb: string; options: Readonly<Record<string, string | number | boolean>> };

export interface Invocation {
  id: string;
  actor: Actor;
  origin: Destination;
  via: 'slash' | 'button' | 'mention' | 'console';
  input: InvocationInput;
}

/** Called by the core while a long command progresses (trigger: queued -> running -> success). */
export type ProgressSink = (message: Message) => Promise<void>;

/**
 * What the core will do with one invocation. Confirm steps are the core's: a preview carries Confirm and Cancel
 * buttons the core issued for the person who asked, and the adapters only follow `answersPreview` and `refused()`.
 */
export interface Plan {
  /** How a new reply is shown; known before anything runs, because Discord fixes it when it defers. */
  reply: 'ephemeral' | 'channel';
  /**
   * Known before anything runs: this invocation is a preview's Confirm or Cancel, so its answer takes the place of
   * the message the button sits on (edited in place), and that preview's buttons go with it.
   */
  answersPreview: boolean;
  /** Never throws: failures come back as an error Message. */
  run(progress?: ProgressSink): Promise<Message>;
  /**
   * Once run() has resolved: nothing ran because of who asked or what they asked for (a role they lack, someone
   * else's preview, options no longer valid). An adapter answering a preview sends such an answer to the clicker
   * alone (ephemeral) and leaves the preview as it is.
   */
  refused(): boolean;
}

export interface BotCore {
  plan(inv: Invocation): Plan;
}

export interface ChatAdapter {
  readonly platform: Platform;
  start(core: BotCore): Promise<void>;
  post(to: Destination, message: Message): Promise<PostedRef>;
  update(ref: PostedRef, message: Message): Promise<void>;
  stop(): Promise<void>;
}
