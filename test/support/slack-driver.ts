// Plays the Slack side of the wire: signs requests exactly as Slack does (v0 HMAC), or sends Socket Mode envelopes,
// and reads the bot's replies back from the stand-in's recorded calls.
import { createHmac, randomUUID } from 'node:crypto';
import type { FakeSlack, SlackCall } from '../standins/fake-slack.js';
import type { ChatDriver, DriverUser, SeenMessage, SeenTone } from './chat-driver.js';

export type Signature = 'valid' | 'forged' | 'missing' | 'stale';

/** `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{rawBody}`) over the exact bytes sent (chat-standins §2.2). */
export function slackSign(secret: string, rawBody: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
}

export interface SlackDriverOptions {
  stand: FakeSlack;
  mode: 'http' | 'socket';
  /** HTTP mode: the bot's `/slack/events` URL and its signing secret. */
  eventsUrl?: string;
  signingSecret?: string;
  user?: string;
  channel?: string;
}

interface Seen {
  message: SeenMessage;
  call: SlackCall;
}

type Block = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: Button[] };
type Button = { text: { text: string }; action_id: string; value?: string; url?: string };

const TONES: Record<string, SeenTone> = {
  ':information_source:': 'info',
  ':white_check_mark:': 'success',
  ':warning:': 'warning',
  ':x:': 'error',
};

function leadTone(s: string): [SeenTone | undefined, string] {
  const m = /^(:[a-z_]+:)\s?/.exec(s);
  const tone = m ? TONES[m[1] as string] : undefined;
  return tone ? [tone, s.slice((m as RegExpExecArray)[0].length)] : [undefined, s];
}

/** Block Kit as the user would read it. */
export function seenFromBlocks(body: Record<string, unknown>, ephemeral: boolean): SeenMessage {
  const blocks = (Array.isArray(body.blocks) ? body.blocks : []) as Block[];
  const seen: SeenMessage = { text: '', fields: [], buttons: [], ephemeral, raw: body };
  const texts: string[] = [];
  for (const b of blocks) {
    if (b.type === 'header' && b.text) [seen.tone, seen.title] = leadTone(b.text.text);
    if (b.type === 'section' && b.text) {
      const [tone, rest] = leadTone(b.text.text);
      seen.tone ??= tone;
      if (rest) texts.push(rest);
    }
    for (const f of b.type === 'section' ? (b.fields ?? []) : []) {
      const m = /^\*(.*?)\*\n([\s\S]*)$/.exec(f.text);
      seen.fields.push(m ? { label: m[1] as string, value: m[2] as string } : { label: '', value: f.text });
    }
    if (b.type === 'actions') seen.buttons.push(...(b.elements ?? []).map((e) => e.text.text));
  }
  seen.text = texts.length > 0 ? texts.join('\n') : String(body.text ?? '');
  return seen;
}

const REPLY_METHODS = new Set(['response', 'chat.postMessage', 'chat.update', 'chat.postEphemeral']);

export class SlackDriver implements ChatDriver {
  readonly platform = 'slack' as const;
  readonly user: string;
  readonly channel: string;
  private readonly responseIds = new Set<string>();
  private readonly seen: Seen[] = [];
  private replyCursor = 0;
  private postCursor = new Map<string, number>();
  private editCursor = new Map<string, number>();

  constructor(private readonly o: SlackDriverOptions) {
    this.user = o.user ?? 'U0OPERATOR';
    this.channel = o.channel ?? 'C0OPS';
    // Only replies made after this driver exists are its own (an earlier test's late progress edits are not).
    this.replyCursor = o.stand.calls.length;
  }

  /** Sends `/mlops <line>`; answers the HTTP status Bolt gave (Socket Mode: 200 once acked). */
  async slash(line: string, as: DriverUser = {}, signature: Signature = 'valid'): Promise<number> {
    const rid = `slash-${randomUUID()}`;
    this.responseIds.add(rid);
    const user = as.user ?? this.user;
    const fields = {
      token: 'legacy-verification-token',
      team_id: 'T0001',
      team_domain: 'acme',
      channel_id: this.channel,
      channel_name: 'ops',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/mlops',
      text: line,
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: this.o.stand.responseUrl(rid),
      trigger_id: `${Date.now()}.${randomUUID()}`,
    };
    if (this.o.mode === 'socket') {
      await this.o.stand.envelope('slash_commands', fields);
      return 200;
    }
    return this.postForm(new URLSearchParams(fields).toString(), signature);
  }

  async invoke(line: string, as?: DriverUser): Promise<void> {
    const status = await this.slash(line, as);
    if (status !== 200) throw new Error(`slack-driver: /mlops ${line} answered ${status}`);
  }

  /**
   * `@mlops <line>` in the channel (Events API app_mention). `eventId` and `retry` replay a delivery as Slack does
   * when it saw no 200 in time: the same event id, with `X-Slack-Retry-Num` (HTTP mode).
   */
  async mention(line: string, as: DriverUser = {}, o: { eventId?: string; retry?: number } = {}): Promise<void> {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const event = {
      type: 'app_mention',
      user: as.user ?? this.user,
      text: `<@U0BOT> ${line}`,
      ts,
      channel: this.channel,
      event_ts: ts,
    };
    const body = {
      token: 'x',
      team_id: 'T0001',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: o.eventId ?? `Ev${randomUUID()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    };
    if (this.o.mode === 'socket') {
      await this.o.stand.envelope('events_api', body);
      return;
    }
    const raw = JSON.stringify(body);
    const retry: Record<string, string> =
      o.retry === undefined ? {} : { 'x-slack-retry-num': String(o.retry), 'x-slack-retry-reason': 'http_timeout' };
    const status = await this.post(raw, 'application/json', 'valid', retry);
    if (status !== 200) throw new Error(`slack-driver: app_mention answered ${status}`);
  }

  async click(buttonLabel: string, as: DriverUser = {}): Promise<void> {
    const status = await this.clickStatus(buttonLabel, as);
    if (status !== 200) throw new Error(`slack-driver: click ${buttonLabel} answered ${status}`);
  }

  /** Clicks the button on the most recent reply that has it; answers the HTTP status. */
  async clickStatus(buttonLabel: string, as: DriverUser = {}, signature: Signature = 'valid'): Promise<number> {
    const hit = [...this.seen].reverse().find((s) => s.message.buttons.includes(buttonLabel));
    if (!hit) throw new Error(`slack-driver: no reply has a "${buttonLabel}" button`);
    const blocks = (hit.call.body.blocks ?? []) as Block[];
    const button = blocks
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.text.text === buttonLabel) as Button;
    const rid = `act-${randomUUID()}`;
    this.responseIds.add(rid);
    const user = as.user ?? this.user;
    const messageTs = hit.call.method === 'response' ? '1699999999.000001' : String(hit.call.id);
    const payload = {
      type: 'block_actions',
      api_app_id: 'A0APP',
      trigger_id: `${Date.now()}.${randomUUID()}`,
      team: { id: 'T0001', domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
      channel: { id: this.channel, name: 'ops' },
      response_url: this.o.stand.responseUrl(rid),
      container: {
        type: 'message',
        message_ts: messageTs,
        channel_id: this.channel,
        is_ephemeral: hit.message.ephemeral,
      },
      message: { type: 'message', ts: messageTs, text: String(hit.call.body.text ?? '') },
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b1',
          value: button.value,
          text: { type: 'plain_text', text: buttonLabel },
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    if (this.o.mode === 'socket') {
      await this.o.stand.envelope('interactive', payload);
      return 200;
    }
    return this.postForm(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), signature);
  }

  async nextReply(timeoutMs = 10_000): Promise<SeenMessage> {
    const call = await this.o.stand.waitFor((c) => this.isReply(c), timeoutMs, this.replyCursor);
    this.replyCursor = this.o.stand.calls.indexOf(call) + 1;
    return this.remember(call);
  }

  async nextChannelPost(channelId: string, timeoutMs = 10_000): Promise<SeenMessage> {
    return this.next(this.postCursor, channelId, 'chat.postMessage', timeoutMs);
  }

  async nextEdit(channelId: string, timeoutMs = 10_000): Promise<SeenMessage> {
    return this.next(this.editCursor, channelId, 'chat.update', timeoutMs);
  }

  repliesSoFar(): SeenMessage[] {
    return this.seen.map((s) => s.message);
  }

  async close(): Promise<void> {}

  private async next(
    cursors: Map<string, number>,
    channelId: string,
    method: string,
    timeoutMs: number,
  ): Promise<SeenMessage> {
    const from = cursors.get(channelId) ?? 0;
    const call = await this.o.stand.waitFor(
      (c) => c.method === method && c.body.channel === channelId && !c.error && c.status === 200,
      timeoutMs,
      from,
    );
    cursors.set(channelId, this.o.stand.calls.indexOf(call) + 1);
    return this.remember(call);
  }

  private isReply(c: SlackCall): boolean {
    if (!REPLY_METHODS.has(c.method) || c.status !== 200 || c.error) return false;
    if (c.method === 'response') return this.responseIds.has(String(c.id));
    return c.body.channel === this.channel;
  }

  private remember(call: SlackCall): SeenMessage {
    const ephemeral =
      call.method === 'chat.postEphemeral' || (call.method === 'response' && call.body.response_type !== 'in_channel');
    const message = seenFromBlocks(call.body, ephemeral);
    this.seen.push({ message, call });
    return message;
  }

  private postForm(body: string, signature: Signature): Promise<number> {
    return this.post(body, 'application/x-www-form-urlencoded', signature);
  }

  private async post(
    body: string,
    contentType: string,
    signature: Signature,
    extra: Record<string, string> = {},
  ): Promise<number> {
    if (!this.o.eventsUrl || !this.o.signingSecret)
      throw new Error('slack-driver: HTTP mode needs eventsUrl and signingSecret');
    const now = Math.floor(Date.now() / 1000);
    let headers: Record<string, string> = {};
    if (signature === 'valid') headers = slackSign(this.o.signingSecret, body, now);
    if (signature === 'stale') headers = slackSign(this.o.signingSecret, body, now - 301);
    if (signature === 'forged') headers = slackSign('not-the-signing-secret', body, now);
    const res = await fetch(this.o.eventsUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, ...headers, ...extra },
    });
    await res.arrayBuffer();
    return res.status;
  }
}
