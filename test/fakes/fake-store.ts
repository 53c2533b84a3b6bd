import type { CommandStore } from '../../src/bot/command.js';
import type { AuditEntry } from '../../src/store/store.js';

/** The audit part of the store, in memory; newest first like the real one. */
export class FakeStore implements CommandStore {
  readonly entries: AuditEntry[] = [];

  async audit(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }

  async listAudit(q: { limit: number }): Promise<AuditEntry[]> {
    return [...this.entries].reverse().slice(0, q.limit);
  }
}
