export interface FollowUpQueue {
  /** Queues the work that follows an ack. */
  push(task: () => Promise<void>): void;
  /** An ack is being produced: follow-ups wait (up to maxHoldMs) until none is. */
  ackStarted(): void;
  ackFinished(): void;
}

export interface FollowUpQueueOptions {
  /** Follow-ups running at the same time; Airflow and Slack see no more parallel calls than this. */
  concurrency: number;
  /** The longest a follow-up waits for a burst of acks to end, so that steady traffic cannot starve it. */
  maxHoldMs?: number;
}

/**
 * Acks are the only deadline (Slack allows 3 s; a response_url stays valid for 30 min), so the work after an ack
 * yields to acks still being produced: in a burst of commands every ack is written first.
 */
export function createFollowUpQueue(o: FollowUpQueueOptions): FollowUpQueue {
  const maxHoldMs = o.maxHoldMs ?? 500;
  let active = 0;
  let acking = 0;
  let holdTimer: NodeJS.Timeout | undefined;
  const waiting: (() => Promise<void>)[] = [];

  const pump = () => {
    clearTimeout(holdTimer);
    holdTimer = undefined;
    while (active < o.concurrency && waiting.length > 0) {
      const task = waiting.shift() as () => Promise<void>;
      active++;
      task().finally(() => {
        active--;
        schedule();
      });
    }
  };

  function schedule(): void {
    if (waiting.length === 0) return;
    if (acking === 0) {
      setImmediate(pump);
      return;
    }
    holdTimer ??= setTimeout(pump, maxHoldMs);
  }

  return {
    push(task) {
      waiting.push(task);
      schedule();
    },
    ackStarted() {
      acking++;
    },
    ackFinished() {
      acking = Math.max(0, acking - 1);
      if (acking === 0) schedule();
    },
  };
}
