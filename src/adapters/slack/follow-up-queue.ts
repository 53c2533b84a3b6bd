export interface FollowUpQueue {
  /** Queues the work that follows an ack. */
  push(task: () => Promise<void>): void;
  /** An ack is being produced: follow-ups wait until acks have been quiet for a moment (at most maxHoldMs). */
  ackStarted(): void;
  ackFinished(): void;
}

export interface FollowUpQueueOptions {
  /** Follow-ups running at the same time; Airflow and Slack see no more parallel calls than this. */
  concurrency: number;
  /** How long no ack must have been in progress before follow-ups start (a burst arrives over a few ms). */
  quietMs?: number;
  /** The longest a follow-up waits for acks to quieten, so that steady traffic cannot starve it. */
  maxHoldMs?: number;
}

interface Waiting {
  task: () => Promise<void>;
  at: number;
}

/**
 * Acks are the only deadline (Slack allows 3 s; a response_url stays valid for 30 min), so the work after an ack
 * yields to acks still being produced: in a burst of commands every ack is written first.
 */
export function createFollowUpQueue(o: FollowUpQueueOptions): FollowUpQueue {
  const quietMs = o.quietMs ?? 20;
  const maxHoldMs = o.maxHoldMs ?? 500;
  let active = 0;
  let acking = 0;
  let lastAckAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const waiting: Waiting[] = [];

  function pump(): void {
    while (active < o.concurrency && waiting.length > 0) {
      const { task } = waiting.shift() as Waiting;
      active++;
      task().finally(() => {
        active--;
        schedule();
      });
    }
  }

  function schedule(): void {
    const oldest = waiting[0];
    if (!oldest || timer || active >= o.concurrency) return;
    const now = Date.now();
    const quietLeft = acking > 0 ? quietMs : quietMs - (now - lastAckAt);
    const holdLeft = maxHoldMs - (now - oldest.at);
    const delay = Math.max(0, Math.min(quietLeft, holdLeft));
    timer = setTimeout(() => {
      timer = undefined;
      const t = Date.now();
      const quiet = acking === 0 && t - lastAckAt >= quietMs;
      if (quiet || t - (waiting[0]?.at ?? t) >= maxHoldMs) pump();
      schedule();
    }, delay);
  }

  return {
    push(task) {
      waiting.push({ task, at: Date.now() });
      schedule();
    },
    ackStarted() {
      acking++;
      lastAckAt = Date.now();
    },
    ackFinished() {
      acking = Math.max(0, acking - 1);
      lastAckAt = Date.now();
    },
  };
}
