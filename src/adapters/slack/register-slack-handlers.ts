import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { ActionRefs } from '../../bot/action-refs.js';
import { decodeSlackText } from '../../bot/command-line.js';
import type { Logger } from '../../bot/logger.js';
import type { Message } from '../../bot/message.js';
import type { Actor, BotCore, Destination, Invocation, PostedRef } from '../../bot/types.js';
import type { FollowUpQueue } from './follow-up-queue.js';
import { createRecentIds } from './recent-ids.js';
import type { SlackPoster } from './slack-poster.js';
import type { SlackRender } from './slack-render.js';
import { createSlackReply } from './slack-reply.js';
import { stripMention } from './strip-mention.js';

export interface SlackHandlerDeps {
  app: App;
  /** Read per event: the core arrives with start(), after the handlers are registered. */
  core: () => BotCore | undefined;
  poster: SlackPoster;
  render: SlackRender;
  log: Logger;
  actionRefs?: Pick<ActionRefs, 'loadActionRef'>;
  command?: string;
  followUps: FollowUpQueue;
}

interface Origin {
  inv: Omit<Invocation, 'input'> & { input: { kind: 'line'; line: string } };
  respond?: RespondFn;
  /** The message a clicked button sits on: the answer replaces it when the plan answers a preview. */
  clicked?: PostedRef | 'response_url';
}

const actor = (userId: string, displayName?: string): Actor => ({
  platform: 'slack',
  userId,
  displayName,
  roleIds: [],
});

/** Slack redelivers an event it saw no 200 for within 3 s, up to three times over about five minutes. */
const EVENT_IDS_KEPT = 10_000;

const STARTING: Message = { tone: 'warning', text: 'The bot is still starting. Try again in a moment.' };
const EXPIRED: Message = { tone: 'warning', text: 'This button has expired. Run the command again.' };

export function registerSlackHandlers(deps: SlackHandlerDeps): void {
  const { app } = deps;

  async function dispatch({ inv, respond, clicked }: Origin): Promise<void> {
    const log = deps.log.child({ inv: inv.id, via: inv.via, user: inv.actor.userId });
    const replyAs = (mode: 'ephemeral' | 'channel', replaces?: Origin['clicked']) =>
      createSlackReply({
        mode,
        origin: inv.origin,
        userId: inv.actor.userId,
        poster: deps.poster,
        render: deps.render,
        log,
        respond,
        replaces,
      });
    const plan = deps.core()?.plan(inv);
    if (!plan) return replyAs('ephemeral').send(STARTING);
    const reply = replyAs(plan.reply, plan.answersPreview ? clicked : undefined);
    const progress = (m: Message) =>
      reply.send(m).catch((err: unknown) => log.warn({ err }, 'slack progress edit failed'));
    const message = await plan.run(progress);
    // A refused Confirm or Cancel goes to the clicker alone; the preview stays as it was, buttons and all.
    if (plan.answersPreview && plan.refused()) return replyAs('ephemeral').send(message);
    await reply.send(message);
  }

  const followUp = deps.followUps;
  // One catch per flow: by now the ack is sent, so a failure can only be logged.
  const guarded = (what: string, origin: () => Promise<Origin | undefined>) => {
    followUp.push(() =>
      origin()
        .then((o) => (o ? dispatch(o) : undefined))
        .catch((err: unknown) => deps.log.error({ err, what }, 'slack handler failed')),
    );
  };

  // Bolt acks an Events API request before any middleware runs, so a redelivery dropped here is acked too.
  const handledEvents = createRecentIds(EVENT_IDS_KEPT);
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !handledEvents.add(eventId)) {
      deps.log.info({ eventId, retry: context.retryNum, reason: context.retryReason }, 'slack redelivery dropped');
      return;
    }
    await next();
  });

  app.command(deps.command ?? '/mlops', async ({ command, ack, respond }) => {
    await ack();
    guarded('command', async () => ({
      inv: {
        id: command.trigger_id || randomUUID(),
        via: 'slash',
        actor: actor(command.user_id, command.user_name),
        origin: { platform: 'slack', channelId: command.channel_id },
        input: { kind: 'line', line: decodeSlackText(command.text ?? '') },
      },
      respond,
    }));
  });

  // Slack also sends a click event for link buttons; unacknowledged, it shows the user a warning icon.
  app.action({ type: 'block_actions', action_id: /^link:/ }, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: /^cmd:/ },
    async ({ ack, body, action, respond }) => {
      await ack();
      guarded('action', async () => {
        let line = action.value ?? '';
        const container = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
        const channelId = body.channel?.id ?? container.channel_id ?? '';
        const origin: Destination = {
          platform: 'slack',
          channelId,
          threadId: body.message?.thread_ts as string | undefined,
        };
        if (line.startsWith('ref:')) {
          const saved = await deps.actionRefs?.loadActionRef(line.slice(4));
          if (!saved) {
            await respond({ response_type: 'ephemeral', replace_original: false, ...deps.render(EXPIRED) });
            return undefined;
          }
          line = saved;
        }
        const clicked: Origin['clicked'] =
          container.is_ephemeral || !container.message_ts
            ? 'response_url'
            : { platform: 'slack', channelId, messageId: container.message_ts };
        return {
          inv: {
            id: body.trigger_id || randomUUID(),
            via: 'button',
            // The clicker, not the poster of the message: permissions are checked as whoever pressed it.
            actor: actor(body.user.id, body.user.username ?? body.user.name),
            origin,
            input: { kind: 'line', line },
          },
          respond,
          clicked,
        };
      });
    },
  );

  app.event('app_mention', async ({ event, context }) => {
    guarded('mention', async () => {
      if (!event.user) return undefined;
      return {
        inv: {
          id: event.client_msg_id ?? `${event.channel}:${event.ts}`,
          via: 'mention',
          actor: actor(event.user),
          // Slash commands cannot be used in threads, so mentions are answered in one.
          origin: { platform: 'slack', channelId: event.channel, threadId: event.thread_ts ?? event.ts },
          input: { kind: 'line', line: decodeSlackText(stripMention(event.text, context.botUserId)) },
        },
      };
    });
  });
}
