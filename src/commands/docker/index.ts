import type { BotCommand } from '../define-command.js';
import { restart } from './restart.js';
import { serviceLogs } from './service-logs.js';
import { services } from './services.js';

/** The Docker verbs, for allCommands(dockerCommands). */
export const dockerCommands: readonly BotCommand[] = [services, restart, serviceLogs];

export { restart, serviceLogs, services };
