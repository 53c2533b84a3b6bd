import type { Clients } from '../clients/clients.js';
import type { AuditEntry } from '../store/store.js';
import { type Clock, type CommandContext, type CommandSpec, type CommandStore, realClock } from './command.js';
import { type Bound, bind, bindStructured, formatLine, splitVerb, validate } from './command-line.js';
import { BotError, isBotError, userError } from './errors.js';
import type { Logger } from './logger.js';
import { type CommandLine, code, type Message } from './message.js';
import type { Roles } from './permissions.js';
import { redactJson, SECRETISH } from './redact.js';
import type { Registry } from './registry.js';
import type { Actor, BotCore, Invocation, Plan, ProgressSink } from './types.js';

export interface CoreDeps {
  registry: Registry;
  clients: Clients;
  store: CommandStore;
  roles: Roles;
  log: Logger;
  /** Each handler runs under AbortSignal.timeout(timeoutMs). */
  timeoutMs: number;
  clock?: Clock;
  /** How long follow-up work (trigger's progress edits) may run; 30 minutes by default. */
  followUpMs?: number;
}

/** How the last run() ended: the CLI maps it to an exit code; 'preview' means a confirm step is waiting. */
export type RunOutcome = AuditEntry['outcome'] | 'preview';

export interface CorePlan extends Plan {
  outcome(): RunOutcome | undefined;
}

export interface Core extends BotCore {
  plan(inv: Invocation): CorePlan;
  readonly registry: Registry;
  /** Resolves when every follow-up started so far has ended (the one-shot CLI waits on this). */
  idle(): Promise<void>;
  /** Aborts follow-ups; plans already running still answer. */
  stop(): Promise<void>;
}

const MAX_AUDIT_VALUE = 200;

/** The Confirm button of a preview carries the same line plus --yes; the console asks y/N instead. */
export const CONFIRM_LABEL = 'Confirm';

export function confirmLineOf(message: Message): string | undefined {
  const a = message.actions?.find((x) => x.kind === 'command' && x.label === CONFIRM_LABEL);
  return a?.kind === 'command' ? a.command : undefined;
}

function principal(actor: Actor): string {
  return `${actor.platform}:${actor.userId}`;
}

function redact(key: string, value: unknown): unknown {
  if (SECRETISH.test(key)) return '[redacted]';
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    // A JSON option such as trigger's conf may carry a password under any key.
    try {
      value = JSON.stringify(redactJson(JSON.parse(value)));
    } catch {
      // Malformed JSON cannot be redacted key by key, and it may hold a secret: keep none of it.
      return '[unparsed JSON]';
    }
  }
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s && s.length > MAX_AUDIT_VALUE ? `${s.slice(0, MAX_AUDIT_VALUE)}…` : value;
}

/** The canonical line for buttons and audit, rebuilt from what was bound rather than what was typed. */
function lineOf(spec: CommandSpec, bound: Bound, opts: { yes?: boolean; redacted?: boolean } = {}): CommandLine {
  const args = spec.args ?? [];
  const positional: unknown[] = [];
  for (const a of args) {
    if (bound.raw[a] === undefined) break;
    positional.push(opts.redacted ? redact(a, bound.raw[a]) : bound.raw[a]);
  }
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bound.raw)) {
    if (args.slice(0, positional.length).includes(k)) continue;
    options[k] = opts.redacted ? redact(k, v) : v;
  }
  for (const [k, v] of Object.entries(bound.extra)) options[k] = opts.redacted ? redact(k, v) : v;
  return formatLine(spec.name, positional, options, { yes: opts.yes });
}

/**
 * A button runs the line formatLine built for it, so the line must read back as itself. One that does not was built
 * by string insertion (a model named `churn --yes` turns into a flag) or altered on the way: nothing of it runs.
 */
function refuseForgedButton(inv: Invocation, spec: CommandSpec, bound: Bound): void {
  if (inv.via !== 'button' || inv.input.kind !== 'line') return;
  if (lineOf(spec, bound, { yes: bound.yes }) === inv.input.line) return;
  throw userError(
    'BUTTON_MISMATCH',
    `This button's command does not match the values it was built from, so nothing ran. Type the ${code(spec.name)} command instead.`,
  );
}

function errorMessage(err: unknown, invId: string): Message {
  if (isBotError(err) && err.userMessage) {
    const mild = err.code === 'OPTIONS_INVALID' || err.code === 'COMMAND_UNKNOWN' || err.code === 'PERMISSION_DENIED';
    return { tone: mild ? 'warning' : 'error', text: err.userMessage };
  }
  return { tone: 'error', text: `Something went wrong. Reference \`${invId}\`.` };
}

function withTimeout<T>(work: Promise<T>, signal: AbortSignal, verb: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(userError('UPSTREAM_UNAVAILABLE', `\`${verb}\` did not finish within ${Math.round(timeoutMs / 1000)} s.`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createCore(deps: CoreDeps): Core {
  const { registry, roles, clients, store } = deps;
  const clock = deps.clock ?? realClock;
  const followUpMs = deps.followUpMs ?? 30 * 60_000;
  const stopping = new AbortController();
  const pending = new Set<Promise<void>>();

  function plan(inv: Invocation): CorePlan {
    let last: RunOutcome | undefined;
    let verb = '';
    let parsed: { rest: ReturnType<typeof splitVerb>['rest'] } | undefined;
    let early: unknown;
    if (inv.input.kind === 'line') {
      try {
        const split = splitVerb(inv.input.line);
        verb = split.verb;
        parsed = { rest: split.rest };
      } catch (err) {
        early = err;
      }
    } else verb = inv.input.verb.toLowerCase();
    const spec = verb === '' ? registry.lookup('help') : registry.lookup(verb);
    const reply = spec?.reply ?? 'ephemeral';

    async function run(progress?: ProgressSink): Promise<Message> {
      const started = Date.now();
      const log = deps.log.child({
        inv: inv.id,
        verb: spec?.name ?? verb,
        platform: inv.actor.platform,
        user: inv.actor.userId,
      });
      let outcome: AuditEntry['outcome'] = 'ok';
      let bound: Bound | undefined;
      let previewOnly = false;
      try {
        if (early) throw early;
        if (!spec && verb !== '') {
          const near = registry.suggest(verb);
          throw userError(
            'COMMAND_UNKNOWN',
            `Unknown command ${code(verb)}.${near ? ` Did you mean \`${near}\`?` : ''} Try \`help\`.`,
          );
        }
        if (!spec) throw userError('COMMAND_UNKNOWN', 'No command given. Try `help`.');
        if (!roles.can(inv.actor, spec.permission)) {
          const list = spec.permission === 'admin' ? 'MLOPS_ADMINS' : 'MLOPS_OPERATORS or MLOPS_ADMINS';
          throw userError(
            'PERMISSION_DENIED',
            `\`${spec.name}\` needs the ${spec.permission} role. Nothing was changed. An admin can add \`${principal(inv.actor)}\` to ${list}.`,
          );
        }
        bound = inv.input.kind === 'line' ? bind(parsed?.rest ?? [], spec) : bindStructured(inv.input.options, spec);
        refuseForgedButton(inv, spec, bound);
        const options = validate(spec, bound);
        const signal = AbortSignal.timeout(deps.timeoutMs);
        const afterTasks: ((signal: AbortSignal) => Promise<void>)[] = [];
        const ctx: CommandContext<Record<string, unknown>> = {
          options,
          extra: bound.extra,
          actor: inv.actor,
          origin: inv.origin,
          clients,
          store,
          catalog: { help: registry.help },
          log,
          signal,
          clock,
          progress,
          after: (task) => afterTasks.push(task),
          can: (p) => roles.can(inv.actor, p),
        };
        if (spec.confirm && !bound.yes) {
          previewOnly = true;
          const preview = await withTimeout(spec.confirm(ctx), signal, spec.name, deps.timeoutMs);
          return {
            ...preview,
            actions: [
              ...(preview.actions ?? []),
              { kind: 'command', label: CONFIRM_LABEL, command: lineOf(spec, bound, { yes: true }), style: 'danger' },
              { kind: 'command', label: 'Cancel', command: formatLine('cancel', [spec.name]) },
            ],
          };
        }
        const message = await withTimeout(spec.handler(ctx), signal, spec.name, deps.timeoutMs);
        for (const task of afterTasks) startFollowUp(task, log);
        return message;
      } catch (err) {
        outcome = isBotError(err) ? err.code : 'INTERNAL';
        if (!isBotError(err) || !err.userMessage) log.error({ err, inv: inv.id }, 'command failed');
        return errorMessage(err, inv.id);
      } finally {
        const durationMs = Date.now() - started;
        last = previewOnly && outcome === 'ok' ? 'preview' : outcome;
        log.info({ outcome: last, durationMs }, 'command');
        const audited = spec?.permission !== 'read' || outcome === 'BUTTON_MISMATCH';
        if (spec && audited && !(previewOnly && outcome === 'ok')) {
          await store
            .audit({
              at: clock.now(),
              actor: principal(inv.actor),
              platform: inv.actor.platform,
              channel: inv.origin.channelId,
              verb: spec.name,
              line: bound ? lineOf(spec, bound, { redacted: true }) : spec.name,
              outcome,
              durationMs,
            })
            .catch((err: unknown) => log.error({ err }, 'audit write failed'));
        }
      }
    }
    return { reply, run, outcome: () => last };
  }

  function startFollowUp(task: (signal: AbortSignal) => Promise<void>, log: Logger): void {
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(followUpMs)]);
    const p: Promise<void> = task(signal)
      .catch((err: unknown) => {
        if (!signal.aborted) log.warn({ err }, 'follow-up failed');
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  return {
    registry,
    plan,
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    async stop() {
      stopping.abort(new BotError('INTERNAL', 'core stopping'));
      await Promise.all([...pending]);
    },
  };
}
