import { expect } from 'vitest';
import { BotError } from '../../src/bot/errors.js';

/** Awaits a call that must fail with a BotError, and checks that no secret shows in the error anywhere. */
export async function failure(p: Promise<unknown>, ...secrets: string[]): Promise<BotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BotError);
  const e = err as BotError;
  for (const text of [e.message, e.userMessage ?? '', JSON.stringify(e)]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
  return e;
}
