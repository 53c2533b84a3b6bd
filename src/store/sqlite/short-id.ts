import { randomBytes } from 'node:crypto';

/** 8 URL-safe characters: subscription ids and action refs, short enough to type or fit a custom_id. */
export const shortId = (): string => randomBytes(6).toString('base64url');
