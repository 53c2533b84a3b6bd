import type { Store } from '../store.js';
import { createActionRefsTable } from './action-refs-table.js';
import { createAuditTable } from './audit-table.js';
import { createCursorsTable } from './cursors-table.js';
import { createMutesTable } from './mutes-table.js';
import { openDatabase } from './open-database.js';
import { createOutboxTable } from './outbox-table.js';
import { createSubscriptionsTable } from './subscriptions-table.js';
import { createWebhookDeliveriesTable } from './webhook-deliveries-table.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** The clock for expiry and timestamps; tests pass a fake one. */
  now?: () => Date;
  busyTimeoutMs?: number;
}

/** The default Store: one SQLite file, schema migrated on open, one module per table. */
export function createSqliteStore(opts: SqliteStoreOptions): Store {
  const now = opts.now ?? (() => new Date());
  const db = openDatabase(opts.path, opts.busyTimeoutMs ?? 5000);
  const outbox = createOutboxTable({ db, now });
  const { enqueue: _internal, ...outboxStore } = outbox;
  return {
    ...createAuditTable(db),
    ...createActionRefsTable({ db, now }),
    ...createSubscriptionsTable({ db, now }),
    ...createMutesTable({ db, now, outbox }),
    ...createCursorsTable({ db, now, outbox }),
    ...createWebhookDeliveriesTable({ db, now, outbox }),
    ...outboxStore,
    async close() {
      if (db.open) db.close();
    },
  };
}
