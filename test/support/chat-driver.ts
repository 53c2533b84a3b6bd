// The platform-neutral e2e driver (architecture §13.4): one scenario file runs on Slack and on Discord.
// Each platform implements it against its stand-in; scenarios only see lines, labels and SeenMessages.

export type SeenTone = 'info' | 'success' | 'warning' | 'error';

/** A message as the user would see it, normalised across Block Kit and Discord embeds. */
export interface SeenMessage {
  title?: string;
  /** Body text (Slack section text, Discord description or content), markup left as sent. */
  text: string;
  fields: { label: string; value: string }[];
  /** Button labels in display order; link buttons included. */
  buttons: string[];
  tone?: SeenTone;
  /** Only the invoking user sees it (Slack ephemeral, Discord flag 64). */
  ephemeral: boolean;
  /** The platform's raw payload, for platform-specific assertions. */
  raw: unknown;
}

export interface DriverUser {
  /** A platform user id; defaults to the driver's default user. */
  user?: string;
  /** Discord role ids (ignored by Slack, whose permissions are per user id). */
  roles?: string[];
}

export interface ChatDriver {
  readonly platform: 'slack' | 'discord';
  /** Types `/mlops <line>` (Discord: the line is mapped onto the registered subcommand's options). */
  invoke(line: string, as?: DriverUser): Promise<void>;
  /**
   * The next reply the user sees for THIS driver's own invocations and clicks, made after the driver was created:
   * a new reply or an edit of one (trigger progress edits count). Replies to other drivers' commands (late
   * progress edits from an earlier test) never show here. Ignores Discord's empty deferred acknowledgement.
   */
  nextReply(timeoutMs?: number): Promise<SeenMessage>;
  /** Clicks the button with this label on the most recent reply that has it, as `as` (default user). */
  click(buttonLabel: string, as?: DriverUser): Promise<void>;
  /** The next proactive post (scheduler, outbox) in a channel. */
  nextChannelPost(channelId: string, timeoutMs?: number): Promise<SeenMessage>;
  /** The next edit of a proactive post in a channel (incident cards). */
  nextEdit(channelId: string, timeoutMs?: number): Promise<SeenMessage>;
  /** Text of every reply seen so far, for "nothing else happened" assertions. */
  repliesSoFar(): SeenMessage[];
  close(): Promise<void>;
}
