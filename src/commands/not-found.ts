import { isBotError, userError } from '../bot/errors.js';

/** Rewords an upstream 404 so the reply names the thing the user typed. */
export async function orNotFound<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isBotError(err) && err.code === 'NOT_FOUND')
      throw userError('NOT_FOUND', `${what} was not found.`, { service: err.service });
    throw err;
  }
}
