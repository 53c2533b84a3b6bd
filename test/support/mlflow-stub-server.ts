import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

export interface StubReply {
  status?: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as is, with `contentType` (text/plain by default); lets a test send broken JSON. */
  text?: string;
  contentType?: string;
  /** Holds the answer back, to exercise timeouts. */
  delayMs?: number;
}

type Handler = StubReply | ((req: RecordedRequest) => StubReply);

/** A loopback HTTP server that answers like MLflow from canned replies and records what it was sent. */
export class MlflowStubServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<MlflowStubServer> {
    let stub: MlflowStubServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => stub?.answer(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    stub = new MlflowStubServer(server, `http://127.0.0.1:${port}`);
    return stub;
  }

  /** Registers the reply for `METHOD /path` (path without the query string). */
  on(method: string, path: string, handler: Handler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
    return this;
  }

  reset(): void {
    this.routes.clear();
    this.requests.length = 0;
  }

  /** The latest request to `METHOD /path`. */
  find(method: string, path: string): RecordedRequest {
    const r = this.requests.findLast((q) => q.method === method.toUpperCase() && q.path === path);
    if (!r) throw new Error(`the stub received no ${method} ${path}`);
    return r;
  }

  last(): RecordedRequest {
    const r = this.requests.at(-1);
    if (!r) throw new Error('the stub received no request');
    return r;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    method: string,
    rawUrl: string,
    headers: IncomingHttpHeaders,
    raw: Buffer,
    res: import('node:http').ServerResponse,
  ): void {
    const u = new URL(rawUrl, 'http://stub');
    const body = raw.toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = { method, path: u.pathname, query: u.searchParams, headers, body, json };
    this.requests.push(recorded);
    const handler = this.routes.get(`${method} ${u.pathname}`);
    const reply: StubReply = !handler
      ? {
          status: 404,
          json: { error_code: 'ENDPOINT_NOT_FOUND', message: `No stub for ${method} ${u.pathname}` },
        }
      : typeof handler === 'function'
        ? handler(recorded)
        : handler;
    const send = () => {
      const status = reply.status ?? 200;
      if (reply.text !== undefined) {
        res.writeHead(status, { 'Content-Type': reply.contentType ?? 'text/plain; charset=utf-8' });
        res.end(reply.text);
      } else {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply.json ?? {}));
      }
    };
    if (reply.delayMs) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        send();
      }, reply.delayMs);
      this.timers.add(t);
    } else send();
  }
}
