// A local Slack on 127.0.0.1: the Web API methods the bot uses, response_url, and Socket Mode (chat-standins.md §2–§4).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SlackCall {
  /** `chat.postMessage`, …, or `response` for a response_url POST. */
  method: string;
  body: Record<string, unknown>;
  /** The response_url id, or the ts this call created or edited. */
  id?: string;
  auth?: string;
  /** The HTTP status the stand-in answered, and the Web API error if it refused the call. */
  status: number;
  error?: string;
  at: number;
}

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view'];
type Json = Record<string, unknown>;

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) return raw ? (JSON.parse(raw) as Json) : {};
  const body: Json = Object.fromEntries(new URLSearchParams(raw));
  for (const f of JSON_FIELDS) if (typeof body[f] === 'string') body[f] = JSON.parse(body[f] as string);
  return body;
}

/** Slack rejects these; Bolt and WebClient check nothing client-side (chat-standins §7). */
function limitError(body: Json): string | undefined {
  const blocks = body.blocks;
  if (!Array.isArray(blocks)) return undefined;
  if (blocks.length > 50) return 'invalid_blocks';
  for (const b of blocks as Json[]) {
    const texts = [b.text, ...(Array.isArray(b.fields) ? b.fields : [])] as ({ text?: string } | undefined)[];
    if (texts.some((t) => (t?.text?.length ?? 0) > 3000)) return 'invalid_blocks';
  }
  return undefined;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly acks: SocketAck[] = [];
  readonly sockets = new Set<WebSocket>();
  /** How many times a Socket Mode client opened a connection. */
  connectionsOpened = 0;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private port = 0;
  private ts = 1_700_000_000;
  private rateLimited = 0;
  private retryAfterSec = 1;
  private refusals: { method: string; error: string; channel?: string }[] = [];
  private waiters = new Set<() => void>();
  private pendingAcks = new Map<string, (ack: SocketAck) => void>();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** SLACK_API_URL for the bot. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }
  responseUrl(id: string = randomUUID()): string {
    return `${this.url}/response/${id}`;
  }

  /** The next n Web API calls answer 429 with Retry-After. */
  rateLimitNext(n: number, retryAfterSec = 1): void {
    this.rateLimited = n;
    this.retryAfterSec = retryAfterSec;
  }

  /** The next call of `method` (in `channel`, if given) answers `{ok:false,error}`, e.g. `not_in_channel`. */
  refuseNext(method: string, error: string, channel?: string): void {
    this.refusals.push({ method, error, channel });
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    this.wss = new WebSocketServer({ server, path: '/link/' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as SocketAck;
        this.acks.push(ack);
        this.pendingAcks.get(ack.envelope_id)?.(ack);
        this.notify();
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake' },
          connection_info: { app_id: 'A0APP' },
        }),
      );
      this.notify();
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Resolves with the first recorded call that matches, now or within the timeout. */
  async waitFor(pred: (c: SlackCall) => boolean, timeoutMs = 5_000, from = 0): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.calls.slice(from).find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `fake-slack: no matching call within ${timeoutMs} ms; saw ${this.calls.map((c) => c.method).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Sends a Socket Mode envelope to the connected client and resolves with its ack frame. */
  envelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Json,
    timeoutMs = 5_000,
  ): Promise<SocketAck> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error('fake-slack: no Socket Mode client connected'));
    const envelope_id = randomUUID();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('fake-slack: envelope not acked')), timeoutMs);
      this.pendingAcks.set(envelope_id, (ack) => {
        clearTimeout(t);
        resolve(ack);
      });
      ws.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api' }));
    });
  }

  /** Slack asks the client to reconnect (it calls apps.connections.open again). */
  disconnect(reason = 'refresh_requested'): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason }));
  }

  private notify(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  private record(call: Omit<SlackCall, 'at'>): void {
    this.calls.push({ ...call, at: Date.now() });
    this.notify();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const body = await readBody(req);
    const auth = req.headers.authorization;
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    };
    if (path.startsWith('/response/')) {
      this.record({ method: 'response', body, id: path.slice('/response/'.length), status: 200 });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    if (this.rateLimited > 0 && method !== 'auth.test' && method !== 'apps.connections.open') {
      this.rateLimited--;
      this.record({ method, body, auth, status: 429 });
      return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.retryAfterSec) });
    }
    const refusal = this.refusals.findIndex((r) => r.method === method && (!r.channel || r.channel === body.channel));
    const refused = refusal >= 0 ? this.refusals.splice(refusal, 1)[0]?.error : undefined;
    const fail = refused ?? limitError(body);
    const ts = `${++this.ts}.000100`;
    const channel = String(body.channel ?? '');
    const reply: Record<string, Json> = {
      'auth.test': {
        ok: true,
        team_id: 'T0001',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
        team: 'acme',
        user: 'mlops',
        url: `${this.url}/`,
      },
      'chat.postMessage': { ok: true, channel, ts, message: { text: body.text } },
      'chat.update': { ok: true, channel, ts: String(body.ts ?? '') },
      'chat.postEphemeral': { ok: true, message_ts: ts },
      'apps.connections.open': { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${randomUUID()}` },
    };
    if (method === 'apps.connections.open') this.connectionsOpened++;
    const answer = fail ? { ok: false, error: fail } : (reply[method] ?? { ok: false, error: 'unknown_method' });
    const id = method === 'chat.update' ? String(body.ts) : method === 'chat.postMessage' ? ts : undefined;
    this.record({ method, body, auth, id, status: 200, error: 'error' in answer ? String(answer.error) : undefined });
    json(200, answer);
  }
}
