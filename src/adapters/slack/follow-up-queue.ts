/**
 * Runs the work that follows an ack, a few at a time and never in the ack's own turn of the event loop: in a burst
 * of commands every ack is written first, and Airflow and Slack see a bounded number of parallel calls.
 */
export function createFollowUpQueue(concurrency: number): (task: () => Promise<void>) => void {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    active--;
    waiting.shift()?.();
  };
  return (task) => {
    const run = () => {
      active++;
      task().finally(next);
    };
    if (active < concurrency) setImmediate(run);
    else waiting.push(run);
  };
}
