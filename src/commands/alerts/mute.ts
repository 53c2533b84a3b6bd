import ms from 'ms';
import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { nameGlob } from '../../bot/glob.js';
import { code } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

const MAX_MUTE_MS = 30 * 24 * 3_600_000;

export function parseDuration(text: string): number {
  const v = ms(text as ms.StringValue);
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw userError('OPTIONS_INVALID', `${code(text)} is not a duration: use e.g. 30m, 2h, 1d.`);
  }
  if (v > MAX_MUTE_MS) throw userError('OPTIONS_INVALID', 'A mute lasts at most 30 days.');
  return v;
}

const pattern = nameGlob('use a DAG, service or model name, or a glob such as train_*').describe(
  'DAG, service or model (glob), or * for everything',
);

export const mute = defineCommand({
  name: 'mute',
  summary: 'Stop new alert posts in this channel for a while; a summary follows when it ends',
  permission: 'operate',
  reply: 'channel',
  args: ['target', 'duration'],
  options: z.object({
    target: pattern,
    duration: z.string().max(20).default('1h').describe('How long, e.g. 30m, 2h, 1d (default 1h)'),
  }),
  async handler({ options: o, actor, origin, store, clock }) {
    const until = new Date(clock.now().getTime() + parseDuration(o.duration));
    await store.setMute({
      dest: { platform: origin.platform, channelId: origin.channelId },
      pattern: o.target,
      until,
      createdBy: `${actor.platform}:${actor.userId}`,
    });
    return {
      title: `Muted ${o.target} for ${o.duration}`,
      tone: 'success',
      text: 'Open cards still update; new alerts are held back and summarised when the mute ends.',
      fields: [{ label: 'Until', value: `${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` }],
      actions: [commandAction('Unmute', 'unmute', [o.target])],
    };
  },
});

export const unmute = defineCommand({
  name: 'unmute',
  summary: 'End a mute in this channel',
  permission: 'operate',
  reply: 'channel',
  args: ['target'],
  options: z.object({ target: pattern.default('*') }),
  async handler({ options: o, origin, store }) {
    const removed = await store.clearMute({ platform: origin.platform, channelId: origin.channelId }, o.target);
    if (!removed) throw userError('NOT_FOUND', `Nothing matching ${code(o.target)} is muted in this channel.`);
    return { title: `Unmuted ${o.target}`, tone: 'success' };
  },
});
