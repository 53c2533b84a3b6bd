// The platform-neutral e2e scenarios (architecture §13.4): each platform's e2e file calls chatScenarios() with its
// ChatDriver, so every scenario runs on Slack and on Discord against the real bot and the real Airflow.
import { expect, it } from 'vitest';
import type { AirflowClient } from '../../src/clients/airflow/types.js';
import type { ChatDriver, DriverUser, SeenMessage } from './chat-driver.js';

export interface ScenarioContext {
  driver: () => ChatDriver;
  airflow: AirflowClient;
  /** Listed in MLOPS_OPERATORS (by role on Discord). */
  operator: DriverUser;
  /** Not listed anywhere: read verbs only. */
  reader: DriverUser;
}

/** A field's value as read, markdown escapes dropped (a run id is `manual__…`, sent as `manual\_\_…`). */
const field = (m: SeenMessage, label: string) =>
  m.fields.find((f) => f.label === label)?.value.replace(/\\([\\*_~`|[\]<>()#-])/g, '$1');

/** Skips replies until one satisfies `pred` (progress edits arrive one by one). */
export async function replyWhere(
  driver: ChatDriver,
  pred: (m: SeenMessage) => boolean,
  timeoutMs = 120_000,
): Promise<SeenMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('no matching reply in time');
    const m = await driver.nextReply(left);
    if (pred(m)) return m;
  }
}

/** The SQLite-backed test Airflow answers 500 ("database is locked") now and then under load: read again. */
export async function steady<T>(read: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await read();
    } catch (err) {
      if (i >= 5) throw err;
      await new Promise((ok) => setTimeout(ok, 1_000));
    }
  }
}

async function runsOf(airflow: AirflowClient, dagId: string): Promise<number> {
  return steady(async () => (await airflow.listDagRuns({ dagId, limit: 1 })).total);
}

async function waitForState(airflow: AirflowClient, dagId: string, runId: string, state: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if ((await steady(() => airflow.getDagRun(dagId, runId))).state === state) return;
    await new Promise((ok) => setTimeout(ok, 1_000));
  }
  throw new Error(`${dagId} ${runId} never reached ${state}`);
}

export function chatScenarios(ctx: () => ScenarioContext): void {
  it('triggers a DAG for an operator: the reply names a run Airflow really has, then follows it to success', async () => {
    const { driver, airflow, operator } = ctx();
    const d = driver();

    await d.invoke('trigger chatops_smoke', operator);
    const first = await replyWhere(d, (m) => m.title === 'Triggered chatops_smoke');
    const runId = field(first, 'Run') as string;

    expect(first.tone).toBe('success');
    expect(first.buttons).toEqual(['Status', 'Open in Airflow']);
    expect((await steady(() => airflow.getDagRun('chatops_smoke', runId))).runId).toBe(runId);
    // Progress edits of the same reply: chatops_smoke: queued/running -> success.
    const done = await replyWhere(d, (m) => field(m, 'Run') === runId && m.title === 'chatops_smoke: success', 150_000);
    expect(done.tone).toBe('success');
  });

  it('runs a button as the command it carries: Status shows the run, then logs show the task output', async () => {
    const { driver, airflow, operator } = ctx();
    const d = driver();
    await d.invoke('trigger chatops_smoke', operator);
    const first = await replyWhere(d, (m) => m.title === 'Triggered chatops_smoke');
    const runId = field(first, 'Run') as string;

    // At once, before the first progress edit replaces the reply (and its buttons) with the run's state.
    await d.click('Status', operator);
    const status = await replyWhere(
      d,
      (m) => (m.title ?? '').startsWith('chatops_smoke: ') && !m.buttons.includes('Status'),
    );
    await waitForState(airflow, 'chatops_smoke', runId, 'success');
    await d.invoke(`logs chatops_smoke ${runId} hello`, operator);
    const logs = await replyWhere(d, (m) => (m.title ?? '').startsWith('hello, try'));

    expect(field(status, 'Run')).toBe(runId);
    expect(logs.text).toContain('chatops_smoke: hello');
  });

  it('answers status with the health of Airflow and MLflow', async () => {
    const d = ctx().driver();

    await d.invoke('status');
    const reply = await replyWhere(d, () => true, 60_000);

    expect(reply.title === 'All services healthy' || reply.title === 'Needs attention').toBe(true);
    expect(JSON.stringify(reply.fields) + reply.text).toMatch(/airflow/i);
  });

  it('denies trigger to a user without the operator role and triggers nothing', async () => {
    const { driver, airflow, reader } = ctx();
    const d = driver();
    const before = await runsOf(airflow, 'chatops_smoke');

    await d.invoke('trigger chatops_smoke', reader);
    const reply = await replyWhere(d, () => true, 60_000);

    expect(reply.tone).toBe('warning');
    expect(reply.text).toContain('needs the operate role');
    expect(await runsOf(airflow, 'chatops_smoke')).toBe(before);
  });

  it('answers a DAG that does not exist by name, and triggers nothing', async () => {
    const { driver, operator } = ctx();
    const d = driver();

    await d.invoke('trigger no_such_dag_e2e', operator);
    const reply = await replyWhere(d, () => true, 60_000);

    expect(reply.tone).toBe('error');
    expect(reply.text).toBe('DAG `no_such_dag_e2e` was not found.');
  });

  it('asks before retrying: Cancel changes nothing, a reader cannot confirm, an operator can', async () => {
    const { driver, airflow, operator, reader } = ctx();
    const d = driver();
    await d.invoke(`trigger chatops_flaky --conf '{"fail": true}'`, operator);
    const runId = field(await replyWhere(d, (m) => m.title === 'Triggered chatops_flaky'), 'Run') as string;
    await waitForState(airflow, 'chatops_flaky', runId, 'failed');

    await d.invoke(`retry chatops_flaky ${runId}`, operator);
    const preview = await replyWhere(d, (m) => m.title === 'Clear 1 task of chatops_flaky?');
    await d.click('Cancel', operator);
    const cancelled = await replyWhere(d, (m) => m.text.includes('Nothing changed'));
    await d.invoke(`retry chatops_flaky ${runId}`, operator);
    await replyWhere(d, (m) => m.title === 'Clear 1 task of chatops_flaky?');
    await d.click('Confirm', reader);
    const denied = await replyWhere(d, () => true, 60_000);
    const stillFailed = (await steady(() => airflow.getDagRun('chatops_flaky', runId))).state;
    await d.click('Confirm', operator);
    const cleared = await replyWhere(d, (m) => (m.title ?? '').startsWith('Cleared'));

    expect(preview.buttons).toEqual(['Confirm', 'Cancel']);
    expect(cancelled.buttons).toEqual([]);
    expect(denied.text).toContain('needs the operate role');
    // A refused click is for the clicker alone; the preview keeps its buttons for the operator who asked.
    expect(denied.ephemeral).toBe(true);
    expect(stillFailed).toBe('failed');
    expect(cleared).toMatchObject({ title: 'Cleared 1 task of chatops_flaky', tone: 'success' });
  });
}
