import { describe, expect, it } from 'vitest';
import { alertCommands } from '../../../src/commands/alerts/index.js';
import { coreCommands } from '../../../src/commands/index.js';
import { createTestCore, lineInvocation, operator, reader } from '../../fakes/test-core.js';

const setup = () => createTestCore({ commands: [...coreCommands, ...alertCommands] });
const run = (t: ReturnType<typeof setup>, line: string, actor = operator) =>
  t.core.plan(lineInvocation(line, actor)).run();

describe('alert verbs', () => {
  it('subscribes this channel to failures of DAGs matching a glob', async () => {
    const t = setup();
    const reply = await run(t, 'subscribe failures train_*');
    expect(reply.title).toBe('Subscribed this channel to failures');
    expect(t.store.subs).toHaveLength(1);
    expect(t.store.subs[0]).toMatchObject({
      topic: 'airflow.failures',
      filter: { dag: 'train_*' },
      dest: { platform: 'slack', channelId: 'C1' },
      createdBy: 'slack:UOPS',
    });
  });

  it('subscribes to best runs with experiment, metric and order, and says when it already is', async () => {
    const t = setup();
    await run(t, 'subscribe best churn f1 min');
    expect(t.store.subs[0]?.filter).toEqual({ experiment: 'churn', metric: 'f1', order: 'min' });
    const again = await run(t, 'subscribe best churn f1 min');
    expect(again.title).toBe('Already subscribed');
    expect(t.store.subs).toHaveLength(1);
  });

  it('asks for the metric when best is missing it, and changes nothing', async () => {
    const t = setup();
    const reply = await run(t, 'subscribe best churn');
    expect(reply.tone).toBe('warning');
    expect(reply.text ?? reply.title).toContain('subscribe best <experiment> <metric>');
    expect(t.store.subs).toHaveLength(0);
  });

  it('lists subscriptions and mutes of this channel, and unsubscribes by id', async () => {
    const t = setup();
    await run(t, 'subscribe models');
    await run(t, 'mute etl_* 2h');
    const list = await run(t, 'subscriptions', reader);
    expect(list.title).toBe('1 subscription in this channel');
    expect(list.fields?.map((f) => f.value)).toContain('models *');
    expect(list.fields?.some((f) => f.label === 'muted etl_*')).toBe(true);
    const id = t.store.subs[0]?.id ?? '';
    const gone = await run(t, `unsubscribe ${id}`);
    expect(gone.title).toBe('Unsubscribed');
    expect(t.store.subs).toHaveLength(0);
  });

  it('refuses to unsubscribe an id that belongs to no subscription of this channel', async () => {
    const t = setup();
    const reply = await run(t, 'unsubscribe sub_404');
    expect(reply.tone).toBe('error');
    expect(reply.text ?? reply.title).toContain('no subscription `sub_404`');
  });

  it('mutes for a duration from the clock, rejects nonsense durations, and unmutes', async () => {
    const t = setup();
    await run(t, 'mute train_model 30m');
    expect(t.store.muted[0]?.until.getTime()).toBe(t.clock.now().getTime() + 30 * 60_000);
    const bad = await run(t, 'mute train_model soon');
    expect(bad.text ?? bad.title).toContain('not a duration');
    const tooLong = await run(t, 'mute train_model 90d');
    expect(tooLong.text ?? tooLong.title).toContain('at most 30 days');
    expect((await run(t, 'unmute train_model')).title).toBe('Unmuted train_model');
    expect(t.store.muted).toHaveLength(0);
  });

  it("lists and removes the channel's subscriptions from inside a thread too", async () => {
    const t = setup();
    await run(t, 'subscribe failures');
    const inThread = {
      ...lineInvocation('subscriptions', reader),
      origin: { platform: 'slack' as const, channelId: 'C1', threadId: '1.2' },
    };
    expect((await t.core.plan(inThread).run()).title).toBe('1 subscription in this channel');
  });

  it('refuses globs with so many wildcards that matching them could stall the bot', async () => {
    const t = setup();
    const reply = await run(t, 'mute *?*?*?*?x 1h');
    expect(JSON.stringify(reply)).toContain('at most 3 wildcards');
    expect(t.store.muted).toHaveLength(0);
  });

  it('refuses a --tag or metric glob over the wildcard cap before anything is stored', async () => {
    const t = setup();

    const tag = await run(t, `subscribe failures --tag '${'*'.repeat(12)}'`);
    const metric = await run(t, `subscribe best churn '${'*'.repeat(12)}'`);

    expect(tag.text).toMatch(/`tag`: use at most 3 wildcards/);
    expect(metric.text).toMatch(/`metric`: use at most 3 wildcards/);
    expect(t.store.subs).toHaveLength(0);
  });

  it('lets readers list but not subscribe', async () => {
    const t = setup();
    const denied = await run(t, 'subscribe failures', reader);
    expect(JSON.stringify(denied)).toContain('operate');
    expect(denied.tone).not.toBe('success');
    expect(t.store.subs).toHaveLength(0);
  });
});
