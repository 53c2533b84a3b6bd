import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { nameGlob, textGlob } from '../../bot/glob.js';
import { defineCommand } from '../define-command.js';
import { describeFilter, TOPICS } from './topics.js';

const glob = nameGlob('use letters, digits, _ . - and the glob characters * ? [ ] { } ,');

export const subscribe = defineCommand({
  name: 'subscribe',
  summary: 'Post alerts to this channel: failures, best runs, model registry events, containers',
  permission: 'operate',
  reply: 'channel',
  args: ['topic', 'target', 'metric', 'order'],
  options: z.object({
    topic: z.enum(['failures', 'best', 'models', 'containers']).describe('What to watch'),
    target: glob
      .optional()
      .describe('DAG glob (failures), experiment (best), model name (models) or service glob (containers)'),
    // Both are matched as globs against every alert of their topic.
    metric: textGlob(250).optional().describe('Metric to watch (best), e.g. accuracy'),
    order: z.enum(['max', 'min']).optional().describe('Whether higher (max) or lower (min) is better (best)'),
    tag: textGlob(100).optional().describe('Only DAGs with this tag (failures), a glob such as prod*'),
  }),
  async handler({ options: o, actor, origin, store }) {
    const topic = TOPICS[o.topic];
    const filter: Record<string, string> = {};
    if (o.topic === 'best') {
      if (!o.target || !o.metric)
        throw userError('OPTIONS_INVALID', 'Usage: `subscribe best <experiment> <metric> [max|min]`');
      Object.assign(filter, { experiment: o.target, metric: o.metric, order: o.order ?? 'max' });
    } else {
      if (o.metric || o.order)
        throw userError('OPTIONS_INVALID', '`metric` and `order` only apply to `subscribe best`.');
      if (o.target) filter[{ failures: 'dag', models: 'model', containers: 'service' }[o.topic]] = o.target;
      if (o.tag) {
        if (o.topic !== 'failures') throw userError('OPTIONS_INVALID', '`--tag` only applies to `subscribe failures`.');
        filter.tag = o.tag;
      }
    }
    const existing = await store.subscriptions({
      topic,
      dest: { platform: origin.platform, channelId: origin.channelId },
    });
    const same = existing.find((s) => JSON.stringify(s.filter) === JSON.stringify(filter));
    if (same) {
      return {
        title: 'Already subscribed',
        tone: 'info',
        fields: [
          { label: 'Watching', value: describeFilter(topic, filter), inline: true },
          { label: 'Subscription', value: same.id, inline: true },
        ],
      };
    }
    const sub = await store.subscribe({
      dest: { platform: origin.platform, channelId: origin.channelId },
      topic,
      filter,
      createdBy: `${actor.platform}:${actor.userId}`,
    });
    return {
      title: `Subscribed this channel to ${o.topic}`,
      tone: 'success',
      fields: [
        { label: 'Watching', value: describeFilter(topic, filter), inline: true },
        { label: 'Subscription', value: sub.id, inline: true },
      ],
      actions: [commandAction('Subscriptions', 'subscriptions'), commandAction('Unsubscribe', 'unsubscribe', [sub.id])],
    };
  },
});
