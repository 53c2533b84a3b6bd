import { type DestinationStream, type Logger, pino } from 'pino';
import { REDACT_PATHS, serializeError } from './secrets/index.js';

export type { Logger };

export function createLogger(opts: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'mlops-bot',
      level: opts.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    opts.destination ?? pino.destination(2),
  );
}
