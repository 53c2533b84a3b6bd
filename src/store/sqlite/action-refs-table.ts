import type Database from 'better-sqlite3';
import type { ActionRefs } from '../../bot/action-refs.js';
import { shortId } from './short-id.js';

/** The `action_refs` table: a saved line per short id until it expires; expired rows go on the next save. */
export function createActionRefsTable(deps: { db: Database.Database; now: () => Date }): ActionRefs {
  const { db, now } = deps;
  const st = {
    purge: db.prepare('DELETE FROM action_refs WHERE expires_at <= ?'),
    insert: db.prepare('INSERT INTO action_refs (id, line, expires_at) VALUES (?, ?, ?)'),
    load: db.prepare('SELECT line FROM action_refs WHERE id = ? AND expires_at > ?'),
  };
  return {
    async saveActionRef(line, ttlMs) {
      const at = now().getTime();
      st.purge.run(at);
      const id = shortId();
      st.insert.run(id, line, at + ttlMs);
      return id;
    },
    async loadActionRef(id) {
      const row = st.load.get(id, now().getTime()) as { line: string } | undefined;
      return row?.line;
    },
  };
}
