import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/bot/errors.js';
import { createLogger } from '../../../src/bot/logger.js';
import { REDACT_PATHS, SECRET_ENV_NAMES } from '../../../src/bot/secrets/index.js';

const TOKEN = 'tok-0f3c9a7e5b1d';
const PASSWORD = 'pw-7d1e4b9a2c';

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', destination: { write: (l: string) => void lines.push(l) } });
  return { log, text: () => lines.join('') };
}

describe('log redaction', () => {
  it('derives its paths from the one list of secret names, both webhook secrets included', () => {
    for (const name of SECRET_ENV_NAMES) expect(REDACT_PATHS).toEqual(expect.arrayContaining([name, `*.${name}`]));
    expect(SECRET_ENV_NAMES).toEqual(expect.arrayContaining(['AIRFLOW_WEBHOOK_SECRET', 'MLFLOW_WEBHOOK_SECRET']));
  });

  it('blanks every secret env name at the top level and one level down', () => {
    const { log, text } = capture();
    const values = Object.fromEntries(SECRET_ENV_NAMES.map((n, i) => [n, `value-${i}-of-${n.toLowerCase()}`]));

    log.info({ ...values, config: values }, 'configured');

    for (const v of Object.values(values)) expect(text()).not.toContain(v);
    expect(text()).toContain('"AIRFLOW_WEBHOOK_SECRET":"[redacted]"');
  });
});

describe('logging an axios error', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Answers like an API that refuses a login, echoing nothing.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json', 'set-cookie': `session=${TOKEN}` });
        res.end('{"detail":"Invalid credentials"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/token`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function failedLogin(): Promise<unknown> {
    return axios
      .post(url, { username: 'admin', password: PASSWORD }, { headers: { Authorization: `Bearer ${TOKEN}` } })
      .then(
        () => expect.unreachable('the stub refuses every login'),
        (err: unknown) => err,
      );
  }

  it('keeps neither the Authorization header nor the login body, but keeps the status and message', async () => {
    const err = await failedLogin();
    const { log, text } = capture();

    log.error({ err }, 'airflow login failed');

    const out = text();
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toMatch(/authorization/i);
    expect(out).toContain('Request failed with status code 401');
    expect(JSON.parse(out).err.response).toEqual({ status: 401, statusText: 'Unauthorized' });
  });

  it('keeps them out when the axios error sits inside another error', async () => {
    const axiosError = await failedLogin();
    const nested = Object.assign(new Error('slack_webapi_request_error'), { original: axiosError });
    const wrapped = new BotError('UPSTREAM_AUTH', 'Airflow refused the credentials', { cause: axiosError });
    const { log, text } = capture();

    log.error({ err: nested }, 'slack call failed');
    log.error({ err: wrapped }, 'command failed');

    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain(PASSWORD);
    expect(text()).toContain('Airflow refused the credentials');
  });
});
