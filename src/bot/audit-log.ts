import type { ErrorCode } from './errors.js';
import type { Platform } from './types.js';

/** One line of the audit log: who ran what, where, and how it ended. */
export interface AuditEntry {
  at: Date;
  /** 'slack:U123', 'discord:456', 'console:alice' */
  actor: string;
  platform: Platform;
  channel: string;
  verb: string;
  /** The command line with secrets and long values redacted. */
  line: string;
  /** The positional arguments as bound, redacted like the line: what a query matches (who retried this run). */
  args?: readonly string[];
  outcome: 'ok' | 'cancelled' | ErrorCode;
  durationMs: number;
  detail?: string;
}

/** Where the core writes what it ran and what it refused; the store implements it. */
export interface AuditLog {
  audit(entry: AuditEntry): Promise<void>;
}
