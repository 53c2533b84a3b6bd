import type Database from 'better-sqlite3';
import type { CursorStore, NewOutboxItem } from '../store.js';
import type { OutboxWriter } from './outbox-table.js';

/** The `cursors` table: each watcher's state, committed in one transaction with the posts of its tick. */
export function createCursorsTable(deps: {
  db: Database.Database;
  now: () => Date;
  outbox: OutboxWriter;
}): CursorStore {
  const { db, now, outbox } = deps;
  const st = {
    get: db.prepare('SELECT cursor FROM cursors WHERE watcher_id = ?'),
    put: db.prepare(
      `INSERT INTO cursors (watcher_id, cursor, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (watcher_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ),
  };
  const commit = db.transaction((watcherId: string, cursor: string, items: NewOutboxItem[], at: number) => {
    st.put.run(watcherId, cursor, at);
    outbox.enqueue(items, at);
  });
  return {
    async getCursor(watcherId) {
      const row = st.get.get(watcherId) as { cursor: string } | undefined;
      return row?.cursor;
    },
    async commitTick(watcherId, cursor, items) {
      commit(watcherId, cursor, items, now().getTime());
    },
  };
}
