import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BotError } from '../../bot/errors.js';
import { migrate } from './migrations.js';

/** Opens (creating its directory) and migrates the state file; a failure names STATE_PATH. */
export function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // WAL lets the CLI read while the server writes; busy_timeout waits out the other's write lock.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BotError('CONFIG_INVALID', `cannot open the state store at ${path} (STATE_PATH): ${reason}`, {
      cause: err,
    });
  }
}
