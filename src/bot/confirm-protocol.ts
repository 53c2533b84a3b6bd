import ms from 'ms';
import { z } from 'zod';
import type { ActionRefs } from './action-refs.js';
import type { AuditEntry } from './audit-log.js';
import type { Clock } from './clock.js';
import type { CommandSpec } from './command.js';
import { formatLine, type Token } from './command-line.js';
import type { Action, Message } from './message.js';
import { permissionDenied, principal, type Roles } from './permissions.js';
import type { Actor } from './types.js';

/** How long a preview's Confirm and Cancel work unless CONFIRM_TTL says otherwise. */
export const CONFIRM_TTL_MS = 15 * 60_000;
/** A record outlives its buttons by a day, so a late click still learns which preview expired. */
const KEPT_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
const REF = /^[\w-]{1,64}$/;

/** The verbs of a preview's own buttons; they are the core's, never a registered command's. */
export type ProtocolVerb = 'confirm' | 'cancel';
export const PROTOCOL_VERBS: readonly ProtocolVerb[] = ['confirm', 'cancel'];
export const isProtocolVerb = (verb: string): verb is ProtocolVerb => verb === 'confirm' || verb === 'cancel';

/** Who asked for which line and until when a click may carry it out; saved as an action ref, named by the buttons. */
const previewRecord = z.object({
  /** The invoker's principal. */
  by: z.string(),
  verb: z.string(),
  /** What Confirm runs: the previewed line plus --yes. */
  line: z.string(),
  /** The line as the audit log shows it (secrets redacted). */
  audit: z.string(),
  /** Epoch milliseconds. */
  until: z.number(),
});
type PreviewRecord = z.infer<typeof previewRecord>;

export type PreviewAnswer =
  /** The owner or an admin confirmed: run the previewed line as them. */
  | { kind: 'run'; line: string }
  /** Cancelled, expired or refused: this message is the whole answer, and it is audited as `outcome`. */
  | {
      kind: 'answer';
      message: Message;
      outcome: AuditEntry['outcome'];
      audit: Pick<AuditEntry, 'verb' | 'line' | 'detail'>;
    };

export interface ConfirmProtocolDeps {
  store: ActionRefs;
  registry: { lookup(verb: string): CommandSpec | undefined };
  roles: Roles;
  clock: Clock;
  ttlMs: number;
}

export interface ConfirmProtocol {
  /** Confirm and Cancel for a new preview: both name one saved record of who asked for `line`, valid for ttlMs. */
  buttons(p: { actor: Actor; verb: string; line: string; audit: string }): Promise<Action[]>;
  /** What `confirm <ref>` or `cancel <ref>` from this actor comes to. */
  answer(actor: Actor, verb: ProtocolVerb, args: readonly Token[]): Promise<PreviewAnswer>;
}

/**
 * Confirmation belongs to the person who asked: a preview's buttons reference a stored record rather than carry a
 * runnable line, so a click is checked against who asked, until when, and the clicker's role. Typing the line with
 * `--yes` stays the way to skip the preview, for whoever may run the verb.
 */
export function createConfirmProtocol(deps: ConfirmProtocolDeps): ConfirmProtocol {
  const { store, registry, roles, clock, ttlMs } = deps;

  async function find(ref: string): Promise<PreviewRecord | undefined> {
    if (!REF.test(ref)) return undefined;
    const saved = await store.loadActionRef(ref);
    if (saved === undefined) return undefined;
    try {
      const parsed = previewRecord.safeParse(JSON.parse(saved));
      return parsed.success ? parsed.data : undefined;
    } catch {
      // Another kind of action ref (a long Discord button line) is no preview.
      return undefined;
    }
  }

  return {
    async buttons(p) {
      const until = clock.now().getTime() + ttlMs;
      const record: PreviewRecord = { by: principal(p.actor), verb: p.verb, line: p.line, audit: p.audit, until };
      const ref = await store.saveActionRef(JSON.stringify(record), ttlMs + KEPT_AFTER_EXPIRY_MS);
      return [
        { kind: 'command', label: 'Confirm', command: formatLine('confirm', [ref]), style: 'danger' },
        { kind: 'command', label: 'Cancel', command: formatLine('cancel', [ref]) },
      ];
    },

    async answer(actor, verb, args) {
      const ref = args.length === 1 ? (args[0]?.value ?? '') : '';
      const rec = await find(ref);
      const spec = rec && registry.lookup(rec.verb);
      if (!rec || !spec || rec.until <= clock.now().getTime()) {
        const what = spec ? `This \`${spec.name}\` preview` : 'This preview';
        return {
          kind: 'answer',
          outcome: 'PREVIEW_EXPIRED',
          message: {
            tone: 'warning',
            text: `${what} has expired (buttons work for ${ms(ttlMs, { long: true })}): nothing was run. Run the command again for a new one.`,
          },
          audit: { verb: rec?.verb ?? verb, line: rec?.audit ?? formatLine(verb, [ref.slice(0, 64)]) },
        };
      }
      const audit = { verb: rec.verb, line: rec.audit };
      if (!roles.can(actor, spec.permission)) {
        const denied = permissionDenied(spec.name, spec.permission, actor);
        return { kind: 'answer', outcome: denied.code, message: { tone: 'warning', text: denied.message }, audit };
      }
      const own = rec.by === principal(actor);
      if (!own && !roles.can(actor, 'admin')) {
        return {
          kind: 'answer',
          outcome: 'PERMISSION_DENIED',
          message: {
            tone: 'warning',
            text: `Only \`${rec.by}\`, who asked for it, or an admin can ${verb} this \`${rec.verb}\`. Nothing was changed.`,
          },
          audit: { ...audit, detail: `preview of ${rec.by}` },
        };
      }
      if (verb === 'confirm') return { kind: 'run', line: rec.line };
      return {
        kind: 'answer',
        outcome: 'cancelled',
        message: {
          tone: 'info',
          text: `Cancelled \`${rec.verb}\`${own ? '' : ` by admin \`${principal(actor)}\``}. Nothing changed.`,
        },
        audit: own ? audit : { ...audit, detail: `preview of ${rec.by}` },
      };
    },
  };
}
