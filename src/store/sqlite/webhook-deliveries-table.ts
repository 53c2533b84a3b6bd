import type Database from 'better-sqlite3';
import type { DeliveryStore, NewOutboxItem } from '../store.js';
import type { OutboxWriter } from './outbox-table.js';

/** The `webhook_deliveries` table: accepted deliveries until their replay window is over, with their posts. */
export function createWebhookDeliveriesTable(deps: {
  db: Database.Database;
  now: () => Date;
  outbox: OutboxWriter;
}): DeliveryStore {
  const { db, now, outbox } = deps;
  const st = {
    seen: db.prepare('SELECT 1 FROM webhook_deliveries WHERE source = ? AND id = ? AND expires_at > ?'),
    purge: db.prepare('DELETE FROM webhook_deliveries WHERE expires_at <= ?'),
    insert: db.prepare(
      'INSERT INTO webhook_deliveries (source, id, expires_at) VALUES (?, ?, ?) ON CONFLICT (source, id) DO NOTHING',
    ),
  };
  const commit = db.transaction((source: string, id: string, keepUntil: number, items: NewOutboxItem[], at: number) => {
    st.purge.run(at);
    if (st.insert.run(source, id, keepUntil).changes === 0) return false;
    outbox.enqueue(items, at);
    return true;
  });
  return {
    async seenDelivery(source, id) {
      return st.seen.get(source, id, now().getTime()) !== undefined;
    },
    async commitDelivery(source, id, keepUntil, items) {
      return commit(source, id, keepUntil.getTime(), items, now().getTime());
    },
  };
}
