import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/open-store.js';
import { MIGRATIONS, migrate } from '../../../src/store/sqlite/migrations.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { describeStore } from './describe-store.js';

describeStore('SQLite in memory', (now) => createSqliteStore({ path: ':memory:', now }));

describe('the SQLite store on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlops-store-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent directory and keeps everything across close and reopen', async () => {
    const path = join(dir, 'nested', 'state', 'bot.db');
    const at = new Date('2026-03-14T09:00:00Z');
    const first = openStore({ STATE_PATH: path });
    await first.audit({
      at,
      actor: 'console:alice',
      platform: 'console',
      channel: 'tty',
      verb: 'dags',
      line: 'dags',
      outcome: 'ok',
      durationMs: 5,
    });
    const sub = await first.subscribe({
      dest: { platform: 'slack', channelId: 'C1' },
      topic: 'docker.health',
      filter: {},
      createdBy: 'u',
    });
    await first.commitTick('docker.health', 'cursor-7', [
      { key: 'k', dest: { platform: 'slack', channelId: 'C1' }, kind: 'post', message: { title: 'x', timestamp: at } },
    ]);
    await first.close();

    const second = openStore({ STATE_PATH: path });
    expect(await second.getCursor('docker.health')).toBe('cursor-7');
    expect(await second.subscriptions()).toEqual([sub]);
    expect((await second.listAudit({ limit: 5 })).map((e) => e.verb)).toEqual(['dags']);
    const [item] = await second.pendingOutbox(new Date(Date.now() + 1000), 5);
    expect(item?.message).toEqual({ title: 'x', timestamp: at });
    await second.close();
  });

  it('still knows a webhook delivery after a restart', async () => {
    const path = join(dir, 'bot.db');
    const first = createSqliteStore({ path });
    await first.commitDelivery('mlflow', 'd-1', new Date(Date.now() + 600_000), []);
    await first.close();

    const second = createSqliteStore({ path });

    expect(await second.seenDelivery('mlflow', 'd-1')).toBe(true);
    await second.close();
  });

  it('runs in WAL mode and records the schema version', async () => {
    const path = join(dir, 'bot.db');
    await createSqliteStore({ path }).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a database written by a newer bot, naming STATE_PATH', () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => createSqliteStore({ path })).toThrow(/STATE_PATH.*newer than this bot/);
  });

  it('lets a second connection read while the first is open', async () => {
    const path = join(dir, 'shared.db');
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    await a.commitTick('w', 'c9', []);
    expect(await b.getCursor('w')).toBe('c9');
    await a.close();
    await b.close();
  });

  it('closes twice without complaint', async () => {
    const s = createSqliteStore({ path: ':memory:' });
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });
});

describe('the SQLite schema migrations', () => {
  it('bring a version 3 database forward: its audit kept, the unused alerts table dropped', async () => {
    const db = new Database(':memory:');
    db.exec(MIGRATIONS.slice(0, 3).join('\n'));
    db.pragma('user_version = 3');
    db.prepare(
      `INSERT INTO audit (at, actor, platform, channel, verb, line, outcome, duration_ms)
       VALUES (1, 'slack:U1', 'slack', 'C1', 'retry', 'retry train r1', 'ok', 5)`,
    ).run();

    const version = migrate(db);

    expect(version).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").all()).toEqual([]);
    expect(db.prepare('SELECT verb, args FROM audit').all()).toEqual([{ verb: 'retry', args: null }]);
    db.close();
  });
});
