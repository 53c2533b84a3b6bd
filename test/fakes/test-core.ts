import { Writable } from 'node:stream';
import type { Permission } from '../../src/bot/command.js';
import { type Core, createCore } from '../../src/bot/core.js';
import { createLogger } from '../../src/bot/logger.js';
import type { Message } from '../../src/bot/message.js';
import { createRoles } from '../../src/bot/permissions.js';
import { createRegistry } from '../../src/bot/registry.js';
import type { Actor, Invocation } from '../../src/bot/types.js';
import type { BotCommand, CommandServices } from '../../src/commands/define-command.js';
import { coreCommands } from '../../src/commands/index.js';
import { FakeAirflow } from './fake-airflow.js';
import { FakeClock } from './fake-clock.js';
import { FakeDocker } from './fake-docker.js';
import { FakeMlflow } from './fake-mlflow.js';
import { FakeStore } from './fake-store.js';

export interface TestCore {
  core: Core<CommandServices>;
  airflow: FakeAirflow;
  mlflow: FakeMlflow;
  docker: FakeDocker;
  store: FakeStore;
  clock: FakeClock;
  logs: Record<string, unknown>[];
}

/** A core over fakes; logs are parsed into an array so tests can assert on them. */
export function createTestCore(
  o: {
    commands?: readonly BotCommand[];
    timeoutMs?: number;
    consoleRole?: Permission;
    logRole?: Permission;
    admins?: string[];
    operators?: string[];
    confirmTtlMs?: number;
  } = {},
): TestCore {
  const airflow = new FakeAirflow();
  const mlflow = new FakeMlflow();
  const docker = new FakeDocker();
  const store = new FakeStore();
  const clock = new FakeClock();
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const core = createCore({
    registry: createRegistry(o.commands ?? coreCommands, { logRole: o.logRole }),
    services: { clients: { airflow, mlflow, docker }, store },
    store,
    roles: createRoles({
      admins: o.admins ?? ['slack:UADMIN'],
      operators: o.operators ?? ['slack:UOPS', 'discord-role:42'],
      consoleRole: o.consoleRole ?? 'admin',
    }),
    log: createLogger({ level: 'info', destination }),
    timeoutMs: o.timeoutMs ?? 5_000,
    clock,
    confirmTtlMs: o.confirmTtlMs,
  });
  return { core, airflow, mlflow, docker, store, clock, logs };
}

export const admin: Actor = { platform: 'slack', userId: 'UADMIN', roleIds: [] };
export const operator: Actor = { platform: 'slack', userId: 'UOPS', roleIds: [] };
export const reader: Actor = { platform: 'slack', userId: 'UREAD', roleIds: [] };

let n = 0;
export function lineInvocation(line: string, actor: Actor = admin): Invocation {
  return {
    id: `inv_${++n}`,
    actor,
    origin: { platform: actor.platform, channelId: 'C1' },
    via: 'slash',
    input: { kind: 'line', line },
  };
}

/** The command line of the button labelled `label`, as a user sees and clicks it. */
export function buttonLine(message: Message, label: string): string {
  const action = message.actions?.find((a) => a.label === label);
  if (action?.kind !== 'command') throw new Error(`no '${label}' button on ${JSON.stringify(message)}`);
  return action.command;
}

/** `actor` clicking the button labelled `label` on `message`. */
export function click(message: Message, label: string, actor: Actor = admin): Invocation {
  return { ...lineInvocation(buttonLine(message, label), actor), via: 'button' };
}
