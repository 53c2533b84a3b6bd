import type { BotCommand } from '../define-command.js';
import { mute, unmute } from './mute.js';
import { subscribe } from './subscribe.js';
import { subscriptions } from './subscriptions.js';
import { unsubscribe } from './unsubscribe.js';

export const alertCommands: readonly BotCommand[] = [subscribe, unsubscribe, subscriptions, mute, unmute];
