import type Database from 'better-sqlite3';
import type { EndedMute, Mute, MuteStore, NewOutboxItem } from '../store.js';
import { type DestRow, destOf } from './destination-columns.js';
import type { OutboxWriter } from './outbox-table.js';

interface MuteRow extends DestRow {
  pattern: string;
  until: number;
  created_by: string;
}

/** The `mutes` table, with a count and the first titles of what each mute held back for its summary. */
export function createMutesTable(deps: { db: Database.Database; now: () => Date; outbox: OutboxWriter }): MuteStore {
  const { db, now, outbox } = deps;
  const st = {
    upsert: db.prepare(
      `INSERT INTO mutes (platform, channel_id, thread_id, pattern, until, created_by)
       VALUES (@platform, @channel_id, @thread_id, @pattern, @until, @created_by)
       ON CONFLICT (platform, channel_id, thread_id, pattern)
       DO UPDATE SET until = excluded.until, created_by = excluded.created_by`,
    ),
    // Ended mutes that held something back stay until closeEndedMutes has summarised them.
    purge: db.prepare('DELETE FROM mutes WHERE until <= ? AND held = 0'),
    holdOne: db.prepare(
      `UPDATE mutes SET held = held + 1,
         held_titles = CASE WHEN json_array_length(held_titles) < 10 THEN json_insert(held_titles, '$[#]', ?) ELSE held_titles END
       WHERE platform = ? AND channel_id = ? AND thread_id = ? AND pattern = ?`,
    ),
    ended: db.prepare('SELECT * FROM mutes WHERE until <= ? ORDER BY until, pattern'),
    deleteEnded: db.prepare('DELETE FROM mutes WHERE until <= ?'),
    expire: db.prepare(
      'UPDATE mutes SET until = ? WHERE platform = ? AND channel_id = ? AND thread_id = ? AND pattern = ? AND until > ?',
    ),
    list: db.prepare('SELECT * FROM mutes WHERE until > ? ORDER BY until, pattern'),
  };

  const closeEnded = db.transaction((at: number, summarise: (ended: EndedMute[]) => NewOutboxItem[]) => {
    const rows = st.ended.all(at) as (MuteRow & { held: number; held_titles: string })[];
    const ended = rows
      .filter((r) => r.held > 0)
      .map(
        (r): EndedMute => ({
          dest: destOf(r),
          pattern: r.pattern,
          until: new Date(r.until),
          createdBy: r.created_by,
          held: r.held,
          titles: JSON.parse(r.held_titles) as string[],
        }),
      );
    if (ended.length) outbox.enqueue(summarise(ended), at);
    st.deleteEnded.run(at);
    return ended.length;
  });

  return {
    async setMute(m) {
      st.purge.run(now().getTime());
      st.upsert.run({
        platform: m.dest.platform,
        channel_id: m.dest.channelId,
        thread_id: m.dest.threadId ?? '',
        pattern: m.pattern,
        until: m.until.getTime(),
        created_by: m.createdBy,
      });
    },

    async clearMute(dest, pattern) {
      // Ending it now (rather than deleting) lets the next tick post the summary of what it held back.
      const at = now().getTime();
      const changed = st.expire.run(at, dest.platform, dest.channelId, dest.threadId ?? '', pattern, at).changes > 0;
      st.purge.run(at);
      return changed;
    },

    async noteHeld(dest, pattern, title) {
      st.holdOne.run(title.slice(0, 200), dest.platform, dest.channelId, dest.threadId ?? '', pattern);
    },

    async closeEndedMutes(at, summarise) {
      return closeEnded(at.getTime(), summarise);
    },

    async mutes(at) {
      const rows = st.list.all(at.getTime()) as MuteRow[];
      return rows.map(
        (r): Mute => ({ dest: destOf(r), pattern: r.pattern, until: new Date(r.until), createdBy: r.created_by }),
      );
    },
  };
}
