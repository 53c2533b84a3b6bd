import { describe, expect, it } from 'vitest';
import { createFollowUpQueue } from '../../../../src/adapters/slack/follow-up-queue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('createFollowUpQueue', () => {
  it('holds follow-ups while an ack is being produced and runs them once acks have been quiet for a moment', async () => {
    const q = createFollowUpQueue({ concurrency: 4, maxHoldMs: 10_000 });
    const ran: string[] = [];
    q.ackStarted();

    q.push(async () => {
      ran.push('a');
    });
    await tick(20);
    const whileAcking = [...ran];
    q.ackFinished();
    await tick(60);

    expect(whileAcking).toEqual([]);
    expect(ran).toEqual(['a']);
  });

  it('runs held follow-ups after maxHoldMs even if acks keep coming', async () => {
    const q = createFollowUpQueue({ concurrency: 4, maxHoldMs: 30 });
    const ran: string[] = [];
    q.ackStarted();

    q.push(async () => {
      ran.push('a');
    });
    await tick(80);

    expect(ran).toEqual(['a']);
  });

  it('runs at most `concurrency` follow-ups at a time, the rest in order as slots free up', async () => {
    const q = createFollowUpQueue({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    for (let i = 0; i < 5; i++)
      q.push(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5);
        order.push(i);
        running--;
      });

    await tick(100);

    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
