// A local Discord (REST v10 + Gateway) for real discord.js, on 127.0.0.1 only (chat-standins.md §5–§8).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

type Json = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  /** Decoded path without the /api/v10 prefix, e.g. /webhooks/1/tok/messages/@original. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  auth?: string;
  status: number;
  at: number;
}

export interface FakeMessage extends Json {
  id: string;
  channel_id: string;
  content: string;
  embeds: Json[];
  components: Json[];
  flags: number;
}

export interface MessageEvent {
  kind: 'create' | 'edit';
  via: 'interaction' | 'webhook' | 'channel';
  message: FakeMessage;
  interactionId?: string;
}

export interface InteractionUser {
  id?: string;
  roles?: string[];
  channelId?: string;
  /** Another server's id, or null for a DM; the stand-in's own guild by default. */
  guildId?: string | null;
}

interface Issued {
  id: string;
  token: string;
  at: number;
  channelId: string;
  answered: boolean;
  originalId?: string;
  sourceMessageId?: string;
}

let counter = 0;
/** A 19-digit snowflake; @discordjs/rest's bucket regex expects real-looking ids. */
export function snowflake(): string {
  counter = (counter + 1) % 4096;
  return String(((BigInt(Date.now()) - 1420070400000n) << 22n) | BigInt(counter));
}

const PERMISSIONS = '2248473465835073';

export class FakeDiscord {
  readonly token = `fake-${randomBytes(6).toString('hex')}`;
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly otherChannelId = snowflake();
  readonly defaultUserId = snowflake();
  readonly calls: RecordedCall[] = [];
  readonly events: MessageEvent[] = [];
  readonly commands = new Map<string, Json[]>(); // key: 'global' or guild id
  /** Guild roles announced in GUILD_CREATE (ids), besides @everyone. */
  readonly roleIds = [snowflake(), snowflake()];
  heartbeatIntervalMs = 41_250;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly issued = new Map<string, Issued>();
  private readonly messages = new Map<string, FakeMessage>();
  private readonly rateLimits: { route: RegExp; retryAfter: number }[] = [];
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private sessionId = randomBytes(16).toString('hex');
  identifies = 0;
  resumes = 0;

  private constructor() {
    this.http = createServer((req, res) => void this.route(req, res));
    this.http.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/gateway')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.gateway(ws));
    });
  }

  static async start(): Promise<FakeDiscord> {
    const f = new FakeDiscord();
    await new Promise<void>((ok) => f.http.listen(0, '127.0.0.1', ok));
    return f;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }
  /** The REST base the bot is given (DISCORD_API_URL); discord.js appends /v10. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((ok) => this.http.close(() => ok()));
  }

  /** The next matching REST call (route regex on the decoded path) answers 429 with this Retry-After. */
  rateLimitNext(route: RegExp, retryAfterSeconds = 0.25): void {
    this.rateLimits.push({ route, retryAfter: retryAfterSeconds });
  }

  /** Closes every gateway connection with `code` (4000: resumable). */
  dropConnection(code = 4000): void {
    for (const ws of this.sockets) ws.close(code, 'dropped by the stand-in');
  }

  /** Resolves with the first recorded item matching `pred`, checking what happened already, then waiting. */
  async waitFor<T>(pred: () => T | undefined, timeoutMs = 5_000, what = 'condition'): Promise<T> {
    const found = pred();
    if (found !== undefined) return found;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = pred();
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  message(id: string): FakeMessage | undefined {
    return this.messages.get(id);
  }

  // --- INTERACTION_CREATE dispatch -------------------------------------------------------------

  /** `/mlops <sub> opt:value …`; returns the interaction id. */
  chatInput(sub: string, options: Record<string, string | number | boolean>, as: InteractionUser = {}): string {
    const opts = Object.entries(options).map(([name, value]) => ({ name, type: optionType(value), value }));
    return this.interaction(2, as, {
      id: snowflake(),
      name: 'mlops',
      type: 1,
      options: [{ name: sub, type: 1, options: opts }],
    });
  }

  /** A click on a button of a message the stand-in knows. */
  button(messageId: string, customId: string, as: InteractionUser = {}): string {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`fake-discord: no message ${messageId}`);
    return this.interaction(
      2 + 1,
      { channelId: message.channel_id, ...as },
      { custom_id: customId, component_type: 2 },
      message,
    );
  }

  /** Typing into an autocompleted option: `focused` is the option being typed. */
  autocomplete(
    sub: string,
    focused: string,
    partial: string,
    others: Record<string, string> = {},
    as: InteractionUser = {},
  ): string {
    const opts = [
      ...Object.entries(others).map(([name, value]) => ({ name, type: 3, value })),
      { name: focused, type: 3, value: partial, focused: true },
    ];
    return this.interaction(4, as, {
      id: snowflake(),
      name: 'mlops',
      type: 1,
      options: [{ name: sub, type: 1, options: opts }],
    });
  }

  /** The callback bodies Discord received for one interaction. */
  callbacksOf(interactionId: string): Json[] {
    return this.calls
      .filter((c) => c.method === 'POST' && c.path.startsWith(`/interactions/${interactionId}/`))
      .map((c) => c.body as Json);
  }

  private interaction(type: number, as: InteractionUser, data: Json, message?: FakeMessage): string {
    const id = snowflake();
    const token = `itok-${randomUUID()}`;
    const channelId = as.channelId ?? this.channelId;
    this.issued.set(id, { id, token, at: Date.now(), channelId, answered: false, sourceMessageId: message?.id });
    const userId = as.id ?? this.defaultUserId;
    const user = {
      id: userId,
      username: `user${userId.slice(-4)}`,
      discriminator: '0',
      global_name: null,
      avatar: null,
    };
    const guildId = as.guildId === undefined ? this.guildId : as.guildId;
    // A DM carries `user` and a DM channel; an interaction in a server carries `member` and that server's id.
    const where =
      guildId === null
        ? { user, channel: { id: channelId, type: 1, recipients: [user] }, context: 1 }
        : {
            guild_id: guildId,
            channel: { id: channelId, type: 0, name: 'ops', guild_id: guildId },
            member: {
              user,
              roles: as.roles ?? [],
              permissions: PERMISSIONS,
              joined_at: new Date().toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
            },
            guild_locale: 'en-US',
            context: 0,
          };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      channel_id: channelId,
      ...where,
      app_permissions: PERMISSIONS,
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId ?? userId },
      data,
      ...(message ? { message } : {}),
    });
    return id;
  }

  // --- Gateway ---------------------------------------------------------------------------------

  private gateway(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: Json };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      else if (msg.op === 2) this.identify(ws, msg.d);
      else if (msg.op === 6) {
        if (msg.d.token !== this.token || msg.d.session_id !== this.sessionId) {
          ws.send(JSON.stringify({ op: 9, d: false }));
          return;
        }
        this.resumes++;
        this.send(ws, 'RESUMED', {});
        this.notify();
      }
    });
  }

  private identify(ws: WebSocket, d: Json): void {
    if (d.token !== this.token) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    this.identifies++;
    this.sessionId = randomBytes(16).toString('hex');
    const gw = `ws://127.0.0.1:${this.port}/gateway`;
    const user = {
      id: this.applicationId,
      username: 'mlops-bot',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
      flags: 0,
    };
    this.send(ws, 'READY', {
      v: 10,
      user,
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: this.sessionId,
      resume_gateway_url: gw,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    const role = (id: string, name: string) => ({
      id,
      name,
      color: 0,
      hoist: false,
      position: 0,
      permissions: PERMISSIONS,
      managed: false,
      mentionable: false,
      flags: 0,
    });
    this.send(ws, 'GUILD_CREATE', {
      id: this.guildId,
      name: 'mlops-test',
      owner_id: snowflake(),
      unavailable: false,
      joined_at: new Date().toISOString(),
      features: [],
      member_count: 2,
      large: false,
      roles: [role(this.guildId, '@everyone'), ...this.roleIds.map((id, i) => role(id, `role${i}`))],
      channels: [this.channelId, this.otherChannelId].map((id, i) => ({
        id,
        type: 0,
        name: `ops${i}`,
        guild_id: this.guildId,
        position: i,
        permission_overwrites: [],
      })),
      members: [],
      threads: [],
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    });
    this.notify();
  }

  private send(ws: WebSocket, t: string, d: unknown): void {
    ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  private dispatch(t: string, d: unknown): void {
    const open = [...this.sockets].filter((ws) => ws.readyState === ws.OPEN);
    if (open.length === 0) throw new Error('fake-discord: no gateway connection to dispatch to');
    for (const ws of open) this.send(ws, t, d);
  }

  // --- REST ------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body,
      auth: req.headers.authorization,
      status: 0,
      at: Date.now(),
    };
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      this.calls.push(call);
      // A 204 must carry no JSON content-type, or @discordjs/rest tries to parse the empty body.
      res.writeHead(status, payload === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
      this.notify();
    };
    const limit = this.rateLimits.findIndex((r) => r.route.test(path));
    if (limit >= 0) {
      const { retryAfter } = this.rateLimits.splice(limit, 1)[0] as { retryAfter: number };
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
        {
          'retry-after': String(retryAfter),
          'x-ratelimit-scope': 'user',
        },
      );
    }
    const bot = () => req.headers.authorization === `Bot ${this.token}`;
    const m = (re: RegExp) => re.exec(`${call.method} ${path}`);

    if (m(/^GET \/gateway\/bot$/)) {
      if (!bot()) return reply(401, { message: '401: Unauthorized', code: 0 });
      return reply(200, {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    const g1 = m(/^(GET|PUT) \/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    if (g1) {
      const g = g1;
      if (!bot()) return reply(401, { message: '401: Unauthorized', code: 0 });
      const key = g[3] ?? 'global';
      if (g[1] === 'GET') return reply(200, this.commands.get(key) ?? []);
      const problems = checkCommands(body);
      if (problems) return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      const saved = (body as Json[]).map((c) => ({
        ...c,
        id: snowflake(),
        application_id: g?.[2],
        version: snowflake(),
        ...(g?.[3] ? { guild_id: g[3] } : {}),
      }));
      this.commands.set(key, saved);
      return reply(200, saved);
    }
    const g2 = m(/^POST \/interactions\/(\d+)\/([^/]+)\/callback$/);
    if (g2) {
      const g = g2;
      const it = this.issued.get(g[1] ?? '');
      if (!it || it.token !== g[2] || Date.now() - it.at > 3_000)
        return reply(404, { message: 'Unknown interaction', code: 10062 });
      if (it.answered) return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      const cb = body as { type: number; data?: Json };
      if (cb.type === 4 || cb.type === 7) {
        const problems = checkMessage(cb.data ?? {});
        if (problems) return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      }
      it.answered = true;
      if (cb.type === 4 || cb.type === 5) {
        const msg = this.store(it.channelId, cb.type === 4 ? (cb.data ?? {}) : { flags: cb.data?.flags ?? 0 });
        it.originalId = msg.id;
        if (cb.type === 4) this.events.push({ kind: 'create', via: 'interaction', message: msg, interactionId: it.id });
      } else if ((cb.type === 6 || cb.type === 7) && it.sourceMessageId) {
        it.originalId = it.sourceMessageId;
        if (cb.type === 7) this.edit(it.sourceMessageId, cb.data ?? {}, 'interaction', it.id);
      }
      return reply(204);
    }
    const g3 = m(/^(PATCH|GET) \/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/);
    if (g3) {
      const g = g3;
      const it = [...this.issued.values()].find((i) => i.token === g?.[3]);
      if (!it || g[2] !== this.applicationId) return reply(401, { message: 'Invalid Webhook Token', code: 50027 });
      const id = g[4] === '@original' ? it.originalId : g[4];
      const msg = id ? this.messages.get(id) : undefined;
      if (!msg) return reply(404, { message: 'Unknown Message', code: 10008 });
      if (g[1] === 'GET') return reply(200, msg);
      const problems = checkMessage(body as Json);
      if (problems) return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      return reply(200, this.edit(msg.id, body as Json, 'webhook', it.id));
    }
    const g4 = m(/^POST \/webhooks\/(\d+)\/([^/]+)$/);
    if (g4) {
      const g = g4;
      const it = [...this.issued.values()].find((i) => i.token === g?.[2]);
      if (!it) return reply(401, { message: 'Invalid Webhook Token', code: 50027 });
      const problems = checkMessage(body as Json);
      if (problems) return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      const msg = this.store(it.channelId, body as Json);
      this.events.push({ kind: 'create', via: 'webhook', message: msg, interactionId: it.id });
      return reply(200, msg);
    }
    const g5 = m(/^(POST|PATCH) \/channels\/(\d+)\/messages(?:\/(\d+))?$/);
    if (g5) {
      const g = g5;
      if (!bot()) return reply(401, { message: '401: Unauthorized', code: 0 });
      const problems = checkMessage(body as Json);
      if (problems) return reply(400, { code: 50035, message: 'Invalid Form Body', errors: problems });
      if (g[1] === 'PATCH') {
        const existing = g[3] ? this.messages.get(g[3]) : undefined;
        if (!existing || existing.channel_id !== g[2]) return reply(404, { message: 'Unknown Message', code: 10008 });
        return reply(200, this.edit(existing.id, body as Json, 'channel'));
      }
      const msg = this.store(g[2] ?? '', body as Json);
      this.events.push({ kind: 'create', via: 'channel', message: msg });
      return reply(200, msg);
    }
    const g6 = m(/^GET \/channels\/(\d+)$/);
    if (g6) {
      const g = g6;
      if (!bot()) return reply(401, { message: '401: Unauthorized', code: 0 });
      return reply(200, {
        id: g[1],
        type: 0,
        name: 'ops',
        guild_id: this.guildId,
        position: 0,
        permission_overwrites: [],
      });
    }
    return reply(404, { message: `fake-discord has no route ${call.method} ${path}`, code: 0 });
  }

  private store(channelId: string, data: Json): FakeMessage {
    const msg: FakeMessage = {
      id: snowflake(),
      channel_id: channelId,
      author: {
        id: this.applicationId,
        username: 'mlops-bot',
        discriminator: '0',
        global_name: null,
        avatar: null,
        bot: true,
      },
      content: typeof data.content === 'string' ? data.content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: (data.embeds as Json[] | undefined) ?? [],
      components: (data.components as Json[] | undefined) ?? [],
      pinned: false,
      type: 0,
      flags: typeof data.flags === 'number' ? data.flags : 0,
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private edit(id: string, data: Json, via: MessageEvent['via'], interactionId?: string): FakeMessage {
    const old = this.messages.get(id) as FakeMessage;
    const msg: FakeMessage = { ...old, edited_timestamp: new Date().toISOString() };
    if ('content' in data) msg.content = typeof data.content === 'string' ? data.content : '';
    if ('embeds' in data) msg.embeds = (data.embeds as Json[] | null) ?? [];
    if ('components' in data) msg.components = (data.components as Json[] | null) ?? [];
    this.messages.set(id, msg);
    this.events.push({ kind: 'edit', via, message: msg, interactionId });
    return msg;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

function optionType(v: string | number | boolean): number {
  if (typeof v === 'boolean') return 5;
  if (typeof v === 'number') return Number.isInteger(v) ? 4 : 10;
  return 3;
}

const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);

/** Discord's message limits (§7); discord.js checks none of them for plain objects. */
export function checkMessage(data: Json): string[] | undefined {
  const p: string[] = [];
  if (len(data.content) > 2000) p.push('content: must be 2000 or fewer in length');
  const embeds = (data.embeds as Json[] | undefined) ?? [];
  if (embeds.length > 10) p.push('embeds: must be 10 or fewer');
  let total = 0;
  embeds.forEach((e, i) => {
    const fields = (e.fields as Json[] | undefined) ?? [];
    const footer = (e.footer as Json | undefined)?.text;
    if (len(e.title) > 256) p.push(`embeds.${i}.title: 256`);
    if (len(e.description) > 4096) p.push(`embeds.${i}.description: 4096`);
    if (fields.length > 25) p.push(`embeds.${i}.fields: 25`);
    if (len(footer) > 2048) p.push(`embeds.${i}.footer.text: 2048`);
    fields.forEach((f, j) => {
      if (len(f.name) > 256 || len(f.name) === 0) p.push(`embeds.${i}.fields.${j}.name: 1-256`);
      if (len(f.value) > 1024 || len(f.value) === 0) p.push(`embeds.${i}.fields.${j}.value: 1-1024`);
      total += len(f.name) + len(f.value);
    });
    total += len(e.title) + len(e.description) + len(footer);
  });
  if (total > 6000) p.push('embeds: 6000 characters in total');
  const rows = (data.components as Json[] | undefined) ?? [];
  if (rows.length > 5) p.push('components: 5 rows');
  rows.forEach((r, i) => {
    const items = (r.components as Json[] | undefined) ?? [];
    if (items.length > 5 || items.length === 0) p.push(`components.${i}: 1-5 items`);
    items.forEach((b, j) => {
      if (len(b.label) > 80) p.push(`components.${i}.components.${j}.label: 80`);
      if (b.style !== 5 && (len(b.custom_id) > 100 || len(b.custom_id) === 0))
        p.push(`components.${i}.components.${j}.custom_id: 1-100`);
      if (b.style === 5 && typeof b.url !== 'string') p.push(`components.${i}.components.${j}.url: required`);
    });
  });
  return p.length ? p : undefined;
}

function checkCommands(body: unknown): string[] | undefined {
  const p: string[] = [];
  const name = /^[-_\p{Ll}\p{N}]{1,32}$/u;
  const walk = (o: Json, at: string) => {
    if (typeof o.name !== 'string' || !name.test(o.name)) p.push(`${at}.name: 1-32 lowercase`);
    if (len(o.description) > 100 || (o.type !== 2 && o.type !== 3 && len(o.description) === 0))
      p.push(`${at}.description: 1-100`);
    const opts = (o.options as Json[] | undefined) ?? [];
    if (opts.length > 25) p.push(`${at}.options: 25`);
    let optionalSeen = false;
    opts.forEach((x, i) => {
      if (x.type !== 1 && x.type !== 2) {
        if (x.required) {
          if (optionalSeen) p.push(`${at}.options.${i}: required options must come first`);
        } else optionalSeen = true;
      }
      if (((x.choices as unknown[] | undefined) ?? []).length > 25) p.push(`${at}.options.${i}.choices: 25`);
      walk(x, `${at}.options.${i}`);
    });
  };
  if (!Array.isArray(body)) return ['body: an array of commands'];
  body.forEach((c, i) => {
    walk(c as Json, String(i));
  });
  return p.length ? p : undefined;
}
