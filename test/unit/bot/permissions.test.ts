import { describe, expect, it } from 'vitest';
import { createRoles } from '../../../src/bot/permissions.js';

const roles = createRoles({
  admins: ['slack:UADMIN', 'discord-role:900'],
  operators: ['slack:UOPS', 'discord:123'],
  consoleRole: 'admin',
});

describe('createRoles', () => {
  it('lets everyone read and denies operate to an unlisted user', () => {
    const who = { platform: 'slack' as const, userId: 'UNOBODY', roleIds: [] };
    expect(roles.can(who, 'read')).toBe(true);
    expect(roles.can(who, 'operate')).toBe(false);
  });

  it('grants operate to listed Slack and Discord users, but not admin', () => {
    expect(roles.roleOf({ platform: 'slack', userId: 'UOPS', roleIds: [] })).toBe('operate');
    expect(roles.roleOf({ platform: 'discord', userId: '123', roleIds: [] })).toBe('operate');
    expect(roles.can({ platform: 'slack', userId: 'UOPS', roleIds: [] }, 'admin')).toBe(false);
  });

  it('grants admin through a Discord role', () => {
    expect(roles.roleOf({ platform: 'discord', userId: '555', roleIds: ['1', '900'] })).toBe('admin');
  });

  it('does not confuse a Slack user id with a Discord one', () => {
    expect(roles.roleOf({ platform: 'discord', userId: 'UADMIN', roleIds: [] })).toBe('read');
  });

  it('gives the console user the configured role', () => {
    const readOnly = createRoles({ admins: [], operators: [], consoleRole: 'read' });
    expect(readOnly.roleOf({ platform: 'console', userId: 'alice', roleIds: [] })).toBe('read');
    expect(roles.roleOf({ platform: 'console', userId: 'alice', roleIds: [] })).toBe('admin');
  });
});
