import ms from 'ms';
import { z } from 'zod';
import { commandAction } from '../../bot/command-action.js';
import { userError } from '../../bot/errors.js';
import { code } from '../../bot/message.js';
import { defineCommand } from '../define-command.js';
import { ago } from '../format.js';
import { limit } from '../limit.js';

const MAX_WINDOW = 90 * 24 * 60 * 60_000;

export const failures = defineCommand({
  name: 'failures',
  summary: 'Failed DAG runs across all DAGs in a recent window',
  permission: 'read',
  options: z.object({
    since: z.string().max(20).default('24h').describe('How far back, e.g. 30m, 24h, 7d (default 24h)'),
    limit: limit(50, 20),
  }),
  async handler({ options: o, clients, signal, clock }) {
    const window = ms(o.since as ms.StringValue) as number | undefined;
    if (typeof window !== 'number' || !Number.isFinite(window) || window <= 0 || window > MAX_WINDOW)
      throw userError(
        'OPTIONS_INVALID',
        `\`since\` must be a duration such as 30m, 24h or 7d (at most 90d), not ${code(o.since)}.`,
      );
    const now = clock.now();
    const page = await clients.airflow.listDagRuns(
      {
        dagId: '~',
        states: ['failed'],
        updatedSince: new Date(now.getTime() - window),
        limit: o.limit,
        orderBy: '-updated_at',
      },
      { signal },
    );
    if (page.items.length === 0) return { tone: 'success', text: `No failed runs in the last ${o.since}.` };
    return {
      title: `${page.total} failed run${page.total === 1 ? '' : 's'} in the last ${o.since}`,
      tone: 'warning',
      text: page.items
        .map((r) => `✗ ${code(r.dagId)} ${code(r.runId)} ${ago(r.endDate ?? r.startDate, now)}`)
        .join('\n'),
      actions: page.items
        .slice(0, 3)
        .map((r) => commandAction(`Run ${r.dagId}`.slice(0, 60), 'run', [r.dagId, r.runId])),
    };
  },
});
