import type { User } from 'discord.js';
import type { Actor } from '../../bot/types.js';

/** The clicker or invoker; roles are the raw `member.roles` ids, so no role or member cache is needed. */
export function discordActor(user: Pick<User, 'id' | 'username' | 'globalName'>, roleIds: readonly string[]): Actor {
  return { platform: 'discord', userId: user.id, displayName: user.globalName ?? user.username, roleIds };
}

/**
 * The role ids of a raw INTERACTION_CREATE. discord.js resolves `member.roles` through the guild's role cache, which
 * drops ids it has not seen; permissions must use exactly what Discord sent.
 */
export function rolesFromRawInteraction(data: unknown): { id: string; roles: string[] } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { id?: unknown; member?: { roles?: unknown } };
  if (typeof d.id !== 'string') return undefined;
  const roles = Array.isArray(d.member?.roles) ? d.member.roles.filter((r): r is string => typeof r === 'string') : [];
  return { id: d.id, roles };
}
