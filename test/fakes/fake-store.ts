import type { Destination } from '../../src/bot/types.js';
import type { CommandStore } from '../../src/commands/define-command.js';
import type { AuditEntry, Mute, Store, Subscription, Topic } from '../../src/store/store.js';

const sameDest = (a: Destination, b: Destination) =>
  a.platform === b.platform && a.channelId === b.channelId && (a.threadId ?? '') === (b.threadId ?? '');

/**
 * The core-facing part of the store, in memory; lists come newest first like the real one. Action refs never
 * expire here: the core judges a preview's age from the time it recorded.
 */
export class FakeStore implements CommandStore, Pick<Store, 'saveActionRef' | 'loadActionRef'> {
  readonly entries: AuditEntry[] = [];
  readonly refs = new Map<string, string>();
  subs: Subscription[] = [];
  muted: Mute[] = [];
  private seq = 0;

  async audit(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }

  async listAudit(q: { limit: number }): Promise<AuditEntry[]> {
    return [...this.entries].reverse().slice(0, q.limit);
  }

  async saveActionRef(line: string, _ttlMs: number): Promise<string> {
    const id = `ref${this.refs.size + 1}`;
    this.refs.set(id, line);
    return id;
  }

  async loadActionRef(id: string): Promise<string | undefined> {
    return this.refs.get(id);
  }

  async subscribe(s: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    const sub: Subscription = { ...s, id: `sub_${++this.seq}`, createdAt: new Date('2026-11-26T09:00:00Z') };
    this.subs.push(sub);
    return sub;
  }

  async unsubscribe(id: string): Promise<boolean> {
    const before = this.subs.length;
    this.subs = this.subs.filter((s) => s.id !== id);
    return this.subs.length < before;
  }

  async subscriptions(q: { topic?: Topic; dest?: Destination } = {}): Promise<Subscription[]> {
    return this.subs.filter((s) => (!q.topic || s.topic === q.topic) && (!q.dest || sameDest(s.dest, q.dest)));
  }

  async setMute(m: Mute): Promise<void> {
    this.muted = this.muted.filter((x) => !(sameDest(x.dest, m.dest) && x.pattern === m.pattern));
    this.muted.push(m);
  }

  async clearMute(dest: Destination, pattern: string): Promise<boolean> {
    const before = this.muted.length;
    this.muted = this.muted.filter((x) => !(sameDest(x.dest, dest) && x.pattern === pattern));
    return this.muted.length < before;
  }

  async mutes(now: Date): Promise<Mute[]> {
    return this.muted.filter((m) => m.until > now);
  }
}
