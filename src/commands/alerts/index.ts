import type { CommandSpec } from '../../bot/command.js';
import { mute, unmute } from './mute.js';
import { subscribe } from './subscribe.js';
import { subscriptions } from './subscriptions.js';
import { unsubscribe } from './unsubscribe.js';

export const alertCommands: readonly CommandSpec[] = [subscribe, unsubscribe, subscriptions, mute, unmute];
