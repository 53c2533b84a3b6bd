import type Database from 'better-sqlite3';
import type { Platform } from '../../bot/types.js';
import type { AuditEntry, AuditStore } from '../store.js';

interface AuditRow {
  at: number;
  actor: string;
  platform: string;
  channel: string;
  verb: string;
  line: string;
  args: string | null;
  outcome: string;
  duration_ms: number;
  detail: string | null;
}

function entryOf(r: AuditRow): AuditEntry {
  const e: AuditEntry = {
    at: new Date(r.at),
    actor: r.actor,
    platform: r.platform as Platform,
    channel: r.channel,
    verb: r.verb,
    line: r.line,
    outcome: r.outcome as AuditEntry['outcome'],
    durationMs: r.duration_ms,
  };
  if (r.args !== null) e.args = JSON.parse(r.args) as string[];
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

/** The `audit` table: append-only, read newest first. */
export function createAuditTable(db: Database.Database): AuditStore {
  const st = {
    insert: db.prepare(
      `INSERT INTO audit (at, actor, platform, channel, verb, line, args, outcome, duration_ms, detail)
       VALUES (@at, @actor, @platform, @channel, @verb, @line, @args, @outcome, @duration_ms, @detail)`,
    ),
    list: db.prepare('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?'),
    // Args are compared as one JSON array: whole values, so `train` never matches a retry of `train_v2`.
    last: db.prepare(
      `SELECT * FROM audit WHERE verb = ? AND args = ? AND outcome = ? ORDER BY at DESC, id DESC LIMIT 1`,
    ),
  };
  return {
    async audit(entry) {
      st.insert.run({
        at: entry.at.getTime(),
        actor: entry.actor,
        platform: entry.platform,
        channel: entry.channel,
        verb: entry.verb,
        line: entry.line,
        args: entry.args ? JSON.stringify(entry.args) : null,
        outcome: entry.outcome,
        duration_ms: Math.round(entry.durationMs),
        detail: entry.detail ?? null,
      });
    },
    async listAudit({ limit }) {
      return (st.list.all(Math.max(0, Math.floor(limit))) as AuditRow[]).map(entryOf);
    },
    async lastAudit(q) {
      const row = st.last.get(q.verb, JSON.stringify(q.args), q.outcome) as AuditRow | undefined;
      return row && entryOf(row);
    },
  };
}
