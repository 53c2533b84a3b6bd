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

export interface Plan {
  reply: 'ephemeral' | 'channel';
  /** Never throws: failures come back as an error Message. */
  run(progress?: ProgressSink): Promise<Message>;
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
