import ms from 'ms';
import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { serviceName } from '../../bot/ids.js';
import { code } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';

const MAX_SINCE = 7 * 24 * 60 * 60_000;

export const serviceLogs = defineCommand({
  name: 'service-logs',
  summary: 'The tail of a compose service log (stdout and stderr, secrets masked)',
  permission: 'operate',
  readsLogs: true,
  args: ['service'],
  options: z.object({
    service: serviceName,
    lines: z.number().int().min(1).max(1000).default(50).describe('How many trailing lines (1–1000, default 50)'),
    since: z.string().max(20).optional().describe('Only lines from this recent window, e.g. 10m, 2h'),
  }),
  async handler({ options: o, clients, signal }) {
    let sinceSec: number | undefined;
    if (o.since !== undefined) {
      const window = ms(o.since as ms.StringValue) as number | undefined;
      if (typeof window !== 'number' || !Number.isFinite(window) || window < 1000 || window > MAX_SINCE)
        throw userError(
          'OPTIONS_INVALID',
          `\`since\` must be a duration such as 10m or 2h (at most 7d), not ${code(o.since)}.`,
        );
      sinceSec = Math.round(window / 1000);
    }
    const lines = await clients.docker.tailLogs(o.service, { lines: o.lines, sinceSec }, { signal });
    const errors = lines.filter((l) => l.stream === 'stderr').length;
    const window = o.since ? ` from the last ${o.since}` : '';
    return {
      title: `${o.service}: last ${lines.length} line${lines.length === 1 ? '' : 's'}${window}`,
      // stderr lines are marked so they stand out once both streams are interleaved in one block.
      code: {
        body: lines.map((l) => (l.stream === 'stderr' ? `! ${l.text}` : `  ${l.text}`)).join('\n') || '(no output)',
      },
      footer: `${errors} from stderr (marked !) · obvious secrets masked · compose project ${clients.docker.project}`,
      actions: [
        commandAction('More', 'service-logs', [o.service], { lines: Math.min(1000, o.lines * 4) }),
        commandAction('Services', 'services'),
      ],
    };
  },
});
