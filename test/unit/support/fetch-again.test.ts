import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAgain } from '../../support/fetch-again.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

/** A server that hangs up on the first `drops` requests without answering, then answers 200 with the count. */
async function serverDropping(drops: number): Promise<{ url: string; seen: () => number }> {
  let seen = 0;
  server = createServer((req, res) => {
    seen++;
    if (seen <= drops) {
      req.socket.destroy();
      return;
    }
    res.end(String(seen));
  });
  await new Promise<void>((ready) => server?.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen: () => seen };
}

describe('fetchAgain', () => {
  it('sends a request once more when the server closed the connection before answering', async () => {
    const { url, seen } = await serverDropping(1);

    const res = await fetchAgain(url, { method: 'POST', body: '{}' });

    expect(await res.text()).toBe('2');
    expect(seen()).toBe(2);
  });

  it('gives up after the second closed connection', async () => {
    const { url, seen } = await serverDropping(2);

    await expect(fetchAgain(url)).rejects.toThrow(TypeError);
    expect(seen()).toBe(2);
  });

  it('returns an error status as it is, without sending again', async () => {
    server = createServer((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    await new Promise<void>((ready) => server?.listen(0, '127.0.0.1', ready));

    const res = await fetchAgain(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);

    expect(res.status).toBe(503);
  });
});
