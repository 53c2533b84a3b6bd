// Test-only Airflow chores the bot never does (Variables), plus the client the integration tests share.
import { createAirflowClient } from '../../src/clients/airflow/airflow-client.js';
import type { AirflowClient } from '../../src/clients/airflow/types.js';
import { fetchAgain } from './fetch-again.js';
import { AIRFLOW_URL, AIRFLOW2_URL } from './services.js';

export const AIRFLOW_USER = process.env.AIRFLOW_USERNAME ?? 'admin';
export const AIRFLOW_PASS = process.env.AIRFLOW_PASSWORD ?? 'admin';

export function airflow3Client(): AirflowClient {
  return createAirflowClient({
    baseUrl: AIRFLOW_URL,
    username: AIRFLOW_USER,
    password: AIRFLOW_PASS,
    apiVersion: 'auto',
    timeoutMs: 20_000,
  });
}

export function airflow2Client(): AirflowClient {
  return createAirflowClient({
    baseUrl: AIRFLOW2_URL,
    username: process.env.AIRFLOW2_USERNAME ?? 'admin',
    password: process.env.AIRFLOW2_PASSWORD ?? 'admin',
    apiVersion: 'auto',
    timeoutMs: 20_000,
  });
}

export function uniqueRunId(label: string): string {
  return `it_${Math.random().toString(36).slice(2, 8)}_${label}`;
}

async function bearer(): Promise<string> {
  const res = await fetchAgain(`${AIRFLOW_URL}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: AIRFLOW_USER, password: AIRFLOW_PASS }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST /auth/token answered ${res.status}`);
  const body = (await res.json()) as { access_token?: string; jwt_token?: string };
  return `Bearer ${body.access_token ?? body.jwt_token}`;
}

/** SQLite-backed Airflow answers "database is locked" as a 500 now and then under load; chores retry a few times. */
async function retried(what: string, fn: () => Promise<void>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 5; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  throw new Error(`${what} kept failing: ${(last as Error).message}`);
}

/** Sets an Airflow 3 Variable, creating it when missing. */
export function setVariable(key: string, value: string): Promise<void> {
  return retried(`setting Variable ${key}`, () => putVariable(key, value));
}

async function putVariable(key: string, value: string): Promise<void> {
  const headers = { Authorization: await bearer(), 'Content-Type': 'application/json' };
  const body = JSON.stringify({ key, value });
  const patched = await fetchAgain(`${AIRFLOW_URL}/api/v2/variables/${encodeURIComponent(key)}`, {
    method: 'PATCH',
    headers,
    body,
  });
  if (patched.ok) return;
  if (patched.status !== 404) throw new Error(`PATCH variable ${key} answered ${patched.status}`);
  const created = await fetchAgain(`${AIRFLOW_URL}/api/v2/variables`, { method: 'POST', headers, body });
  if (!created.ok) throw new Error(`POST variable ${key} answered ${created.status}`);
}

/** Sets a Variable on the Airflow 2 server (Basic auth), creating it when missing. */
export function setAirflow2Variable(key: string, value: string): Promise<void> {
  return retried(`setting Variable ${key} on Airflow 2`, () => putAirflow2Variable(key, value));
}

async function putAirflow2Variable(key: string, value: string): Promise<void> {
  const user = process.env.AIRFLOW2_USERNAME ?? 'admin';
  const pass = process.env.AIRFLOW2_PASSWORD ?? 'admin';
  const headers = {
    Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
    'Content-Type': 'application/json',
  };
  const body = JSON.stringify({ key, value });
  const patched = await fetchAgain(`${AIRFLOW2_URL}/api/v1/variables/${encodeURIComponent(key)}`, {
    method: 'PATCH',
    headers,
    body,
  });
  if (patched.ok) return;
  if (patched.status !== 404) throw new Error(`PATCH variable ${key} answered ${patched.status}`);
  const created = await fetchAgain(`${AIRFLOW2_URL}/api/v1/variables`, { method: 'POST', headers, body });
  if (!created.ok) throw new Error(`POST variable ${key} answered ${created.status}`);
}

/** Polls until `done` holds for the value, or fails naming the last value seen. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 150_000,
  everyMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      // A poll may hit a transient "database is locked" 500; the deadline still bounds the wait.
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const error = lastError ? `; last error: ${(lastError as Error).message}` : '';
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}${error}`);
}
