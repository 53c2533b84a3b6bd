import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../bot/logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

function toPinoArgs(parts: unknown[]): [Record<string, unknown>, string] {
  const err = parts.find((p): p is Error => p instanceof Error);
  const text = parts
    .filter((p) => !(p instanceof Error))
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
    .join(' ');
  return [err ? { err } : {}, text || err?.message || ''];
}

/** Bolt, WebClient and SocketModeClient log through the bot's pino logger (and so through its redaction). */
export function createSlackLogger(log: Logger): SlackLogger {
  let name = 'slack';
  const at =
    (level: Level) =>
    (...parts: unknown[]) => {
      if (!log.isLevelEnabled(level)) return; // Bolt logs per request at debug: skip the formatting too
      const [obj, msg] = toPinoArgs(parts);
      log[level]({ ...obj, lib: name }, msg);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // The bot's LOG_LEVEL governs; Bolt calls setLevel with its own default, which must not override it.
    setLevel: () => undefined,
    getLevel: () => {
      const l = log.level;
      if (l === 'debug' || l === 'trace') return LogLevel.DEBUG;
      if (l === 'info') return LogLevel.INFO;
      if (l === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (n: string) => {
      name = n;
    },
  };
}
