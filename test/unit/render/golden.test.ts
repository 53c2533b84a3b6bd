import { describe, expect, it } from 'vitest';
import { toBlockKit } from '../../../src/render/block-kit.js';
import { toDiscord } from '../../../src/render/discord.js';
import { toPlainText } from '../../../src/render/plain-text.js';
import { messages } from '../../fixtures/messages.js';
import { fakeCustomIds } from './limit-violations.js';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const golden = (name: string, ext: string): string => `../../fixtures/render/${name}.${ext}`;

describe.each(Object.entries(messages))('the %s message', (name, message) => {
  it('renders to the golden Block Kit payload', async () => {
    await expect(json(toBlockKit(message))).toMatchFileSnapshot(golden(name, 'slack.json'));
  });

  it('renders to the golden Discord payload', async () => {
    await expect(json(toDiscord(message, fakeCustomIds()))).toMatchFileSnapshot(golden(name, 'discord.json'));
  });

  it('renders to the golden terminal text', async () => {
    await expect(`${toPlainText(message)}\n`).toMatchFileSnapshot(golden(name, 'txt'));
  });
});
