import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Actor, Destination, Invocation } from '../../bot/types.js';

/** The terminal user: `console:<os user>`; their role comes from CONSOLE_ROLE. */
export function consoleActor(): Actor {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    // Some containers run as a uid without a passwd entry.
  }
  return { platform: 'console', userId: user.replace(/[^\w.@-]/g, '_'), displayName: user, roleIds: [] };
}

export const consoleOrigin: Destination = { platform: 'console', channelId: `tty@${hostname()}` };

export function consoleInvocation(line: string): Invocation {
  return {
    id: `inv_${randomBytes(6).toString('hex')}`,
    actor: consoleActor(),
    origin: consoleOrigin,
    via: 'console',
    input: { kind: 'line', line },
  };
}
