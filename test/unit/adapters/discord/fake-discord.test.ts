// The stand-in must refuse what Discord refuses, or the adapter tests would prove nothing about limits and timing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { checkMessage, FakeDiscord } from '../../../standins/fake-discord.js';

let fake: FakeDiscord;
beforeEach(async () => {
  fake = await FakeDiscord.start();
});
afterEach(async () => {
  await fake.close();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${fake.apiUrl}/v10${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bot ${fake.token}`, ...init.headers },
  });

describe('fake Discord', () => {
  it('answers 400 Invalid Form Body (50035) to content over 2000 characters', async () => {
    const res = await api(`/channels/${fake.channelId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ content: 'x'.repeat(2001) }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 50035 });
  });

  it('checks the 6000-character embed total, six buttons in a row and custom_id length', () => {
    const field = { name: 'n', value: 'v'.repeat(1000) };
    const button = (custom_id: string) => ({ type: 2, style: 1, label: 'b', custom_id });
    expect(checkMessage({ embeds: [{ fields: Array(7).fill(field) }] })).toContain('embeds: 6000 characters in total');
    expect(checkMessage({ components: [{ type: 1, components: Array(6).fill(button('a')) }] })).toContain(
      'components.0: 1-5 items',
    );
    expect(checkMessage({ components: [{ type: 1, components: [button('c'.repeat(101))] }] })).toEqual([
      'components.0.components.0.custom_id: 1-100',
    ]);
  });

  it('refuses bot routes without the bot token', async () => {
    const res = await fetch(`${fake.apiUrl}/v10/gateway/bot`);
    expect(res.status).toBe(401);
  });

  it('refuses upper-case command names and required options after optional ones', async () => {
    const res = await api(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, {
      method: 'PUT',
      body: JSON.stringify([
        {
          name: 'MLops',
          description: 'x',
          options: [
            { type: 3, name: 'a', description: 'a' },
            { type: 3, name: 'b', description: 'b', required: true },
          ],
        },
      ]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 50035,
      errors: ['0.name: 1-32 lowercase', '0.options.1: required options must come first'],
    });
  });

  it('voids an interaction not acknowledged within 3 s (10062) and refuses a second acknowledgement (40060)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${fake.port}/gateway?v=10&encoding=json`);
    const interactions: { id: string; token: string }[] = [];
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; t?: string; d: { id: string; token: string } };
      if (msg.op === 10) ws.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 1, properties: {} } }));
      if (msg.t === 'INTERACTION_CREATE') interactions.push(msg.d);
    });
    await fake.waitFor(() => (fake.identifies ? true : undefined));
    fake.chatInput('status', {});
    fake.chatInput('status', {});
    while (interactions.length < 2) await new Promise((ok) => setTimeout(ok, 10));
    const [late, twice] = interactions as [{ id: string; token: string }, { id: string; token: string }];
    const ack = (i: { id: string; token: string }) =>
      fetch(`${fake.apiUrl}/v10/interactions/${i.id}/${i.token}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 5, data: { flags: 0 } }),
      });

    expect((await ack(twice)).status).toBe(204);
    const again = await ack(twice);
    await new Promise((ok) => setTimeout(ok, 3_050));
    const tooLate = await ack(late);
    ws.close();

    expect([again.status, ((await again.json()) as { code: number }).code]).toEqual([400, 40060]);
    expect([tooLate.status, ((await tooLate.json()) as { code: number }).code]).toEqual([404, 10062]);
  });
});
