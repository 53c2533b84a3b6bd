// A tiny Airflow look-alike on 127.0.0.1 for contract tests: serves canned answers and records what it was sent.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubReply {
  status?: number;
  /** An object is sent as JSON; a string is sent as is (use it for malformed JSON and plain text). */
  body?: unknown;
  contentType?: string;
  /** Never answer: for timeout tests. */
  hang?: boolean;
}

export interface StubRoute {
  method: string;
  /** Matched against the path without the query string. */
  path: string | RegExp;
  reply: StubReply | ((req: RecordedRequest) => StubReply);
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
}

export interface AirflowStub {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one method + path, in order. */
  sent(method: string, path: string): RecordedRequest[];
  close(): Promise<void>;
}

export function fixture(name: string): unknown {
  const url = new URL(`../fixtures/http/airflow/${name}.json`, import.meta.url);
  const data = JSON.parse(readFileSync(url, 'utf8')) as { body?: unknown };
  return data.body;
}

function matches(route: StubRoute, method: string, path: string): boolean {
  if (route.method !== method) return false;
  return typeof route.path === 'string' ? route.path === path : route.path.test(path);
}

export async function startAirflowStub(routes: StubRoute[]): Promise<AirflowStub> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://stub');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = rawBody;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        // keep the raw text
      }
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(u.pathname),
        query: u.searchParams,
        headers: req.headers,
        body,
        rawBody,
      };
      requests.push(rec);
      const route = routes.find((r) => matches(r, rec.method, u.pathname) || matches(r, rec.method, rec.path));
      const reply: StubReply = route
        ? typeof route.reply === 'function'
          ? route.reply(rec)
          : route.reply
        : { status: 404, body: { detail: 'Not Found' } };
      if (reply.hang) {
        hanging.add(res);
        return;
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.contentType ?? 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent: (method, path) => requests.filter((r) => r.method === method && r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
