import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** The Store the config asks for; SQLite at STATE_PATH is the only kind so far. */
export function openStore(config: { STATE_PATH: string }): Store {
  return createSqliteStore({ path: config.STATE_PATH });
}
