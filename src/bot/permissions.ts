import type { Permission } from './command.js';
import { type BotError, userError } from './errors.js';
import type { Actor } from './types.js';

const RANK: Record<Permission, number> = { read: 0, operate: 1, admin: 2 };

export interface Roles {
  roleOf(actor: Actor): Permission;
  can(actor: Actor, needed: Permission): boolean;
}

export interface RolesConfig {
  /** Principals: slack:<user>, discord:<user>, discord-role:<role>, console:<user>. */
  admins: readonly string[];
  operators: readonly string[];
  /** The local terminal user's role. */
  consoleRole: Permission;
}

/** How an actor is named in config, the audit log and replies: `slack:U123`, `console:alice`. */
export function principal(actor: Actor): string {
  return `${actor.platform}:${actor.userId}`;
}

/** The refusal for a verb the actor's role does not allow, naming who to ask and what to add. */
export function permissionDenied(verb: string, needed: Permission, actor: Actor): BotError {
  const list = needed === 'admin' ? 'MLOPS_ADMINS' : 'MLOPS_OPERATORS or MLOPS_ADMINS';
  return userError(
    'PERMISSION_DENIED',
    `\`${verb}\` needs the ${needed} role. Nothing was changed. An admin can add \`${principal(actor)}\` to ${list}.`,
  );
}

function principals(actor: Actor): string[] {
  const own = [principal(actor)];
  if (actor.platform === 'discord') for (const r of actor.roleIds) own.push(`discord-role:${r}`);
  return own;
}

/** Everyone may read; operate and admin are denied unless listed (the console user gets its configured role). */
export function createRoles(cfg: RolesConfig): Roles {
  const admins = new Set(cfg.admins);
  const operators = new Set(cfg.operators);
  const roleOf = (actor: Actor): Permission => {
    const mine = principals(actor);
    let role: Permission = actor.platform === 'console' ? cfg.consoleRole : 'read';
    if (mine.some((p) => admins.has(p))) return 'admin';
    if (mine.some((p) => operators.has(p)) && RANK[role] < RANK.operate) role = 'operate';
    return role;
  };
  return { roleOf, can: (actor, needed) => RANK[roleOf(actor)] >= RANK[needed] };
}
