import type { Clock } from '../../src/bot/clock.js';

/** Time that moves only when sleep() is called, so polling tests never wait. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = new Date('2026-11-26T09:00:00Z')) {}

  now(): Date {
    return new Date(this.t);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.t = new Date(this.t.getTime() + ms);
  }
}
