import type { ActionRefs } from './action-refs.js';
import type { AuditEntry, AuditLog } from './audit-log.js';
import { type Clock, realClock } from './clock.js';
import type { CommandContext, CommandSpec } from './command.js';
import { type Bound, bind, bindStructured, formatLine, splitVerb, type Token, validate } from './command-line.js';
import {
  CONFIRM_TTL_MS,
  createConfirmProtocol,
  isProtocolVerb,
  PROTOCOL_VERBS,
  type ProtocolVerb,
} from './confirm-protocol.js';
import { BotError, isBotError, userError } from './errors.js';
import type { Logger } from './logger.js';
import { type CommandLine, code, type Message } from './message.js';
import { permissionDenied, principal, type Roles } from './permissions.js';
import type { Registry } from './registry.js';
import { redactAuditValue } from './secrets/index.js';
import type { BotCore, Invocation, Plan, ProgressSink } from './types.js';

export interface CoreDeps<Svc> {
  registry: Registry<Svc>;
  /** Spread into every handler's context (this bot: its clients and the store's command part). */
  services: Svc;
  /** The core's own ports: every action and refusal is audited; the action refs hold who asked for each preview. */
  store: AuditLog & ActionRefs;
  roles: Roles;
  log: Logger;
  /** Each handler runs under AbortSignal.timeout(timeoutMs). */
  timeoutMs: number;
  clock?: Clock;
  /** How long follow-up work (trigger's progress edits) may run; 30 minutes by default. */
  followUpMs?: number;
  /** How long a preview's Confirm and Cancel work; 15 minutes by default. */
  confirmTtlMs?: number;
}

/** How the last run() ended: the CLI maps it to an exit code; 'preview' means a confirm step is waiting. */
export type RunOutcome = AuditEntry['outcome'] | 'preview';

export interface CorePlan extends Plan {
  outcome(): RunOutcome | undefined;
  /**
   * Once run() has resolved with a preview: the line that carries it out (the same line plus --yes). A console has
   * no buttons: it asks y/N and runs this line as the same person.
   */
  confirmLine(): CommandLine | undefined;
}

export interface Core<Svc = unknown> extends BotCore {
  plan(inv: Invocation): CorePlan;
  readonly registry: Registry<Svc>;
  /** Resolves when every follow-up started so far has ended (the one-shot CLI waits on this). */
  idle(): Promise<void>;
  /** Aborts follow-ups; plans already running still answer. */
  stop(): Promise<void>;
}

/** Outcomes where nothing ran because of who asked or what they asked for. */
const REFUSALS: ReadonlySet<RunOutcome | undefined> = new Set([
  'PERMISSION_DENIED',
  'OPTIONS_INVALID',
  'COMMAND_UNKNOWN',
  'BUTTON_MISMATCH',
]);

/** The positional values as bound, in order, up to the first one left out. */
function positionalOf(spec: CommandSpec, bound: Bound, redacted: boolean): unknown[] {
  const positional: unknown[] = [];
  for (const a of spec.args ?? []) {
    if (bound.raw[a] === undefined) break;
    positional.push(redacted ? redactAuditValue(a, bound.raw[a]) : bound.raw[a]);
  }
  return positional;
}

/** The canonical line for buttons and audit, rebuilt from what was bound rather than what was typed. */
function lineOf(spec: CommandSpec, bound: Bound, opts: { yes?: boolean; redacted?: boolean } = {}): CommandLine {
  const positional = positionalOf(spec, bound, opts.redacted === true);
  const named = (spec.args ?? []).slice(0, positional.length);
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bound.raw)) {
    if (named.includes(k)) continue;
    options[k] = opts.redacted ? redactAuditValue(k, v) : v;
  }
  for (const [k, v] of Object.entries(bound.extra)) options[k] = opts.redacted ? redactAuditValue(k, v) : v;
  return formatLine(spec.name, positional, options, { yes: opts.yes });
}

/** The audited positional args as text, redacted like the line: what a store query matches on. */
function auditArgsOf(spec: CommandSpec, bound: Bound): string[] {
  return positionalOf(spec, bound, true).map((v) =>
    typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
  );
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
    const mild =
      err.code === 'OPTIONS_INVALID' ||
      err.code === 'COMMAND_UNKNOWN' ||
      err.code === 'PERMISSION_DENIED' ||
      err.code === 'PREVIEW_EXPIRED';
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

export function createCore<Svc>(deps: CoreDeps<Svc>): Core<Svc> {
  const { registry, roles, services, store } = deps;
  const clock = deps.clock ?? realClock;
  const followUpMs = deps.followUpMs ?? 30 * 60_000;
  const stopping = new AbortController();
  const pending = new Set<Promise<void>>();
  for (const v of PROTOCOL_VERBS) if (registry.lookup(v)) throw new Error(`'${v}' is the core's own verb`);
  const protocol = createConfirmProtocol({
    store,
    registry,
    roles,
    clock,
    ttlMs: deps.confirmTtlMs ?? CONFIRM_TTL_MS,
  });
  const audit = (entry: AuditEntry, log: Logger) =>
    store.audit(entry).catch((err: unknown) => log.error({ err }, 'audit write failed'));

  /** `confirmed`: the line comes from a preview record the clicker may carry out, so its --yes stands. */
  function planCommand(inv: Invocation, confirmed: boolean): CorePlan {
    let last: RunOutcome | undefined;
    let confirmLine: CommandLine | undefined;
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
    if (parsed && isProtocolVerb(verb)) return answerPreview(inv, verb, parsed.rest);
    const spec = verb === '' ? registry.lookup('help') : registry.lookup(verb);
    // A denial is known before anything runs: it goes to the asker alone, never to the channel.
    const reply = spec && !roles.can(inv.actor, spec.permission) ? 'ephemeral' : (spec?.reply ?? 'ephemeral');

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
        if (!roles.can(inv.actor, spec.permission)) throw permissionDenied(spec.name, spec.permission, inv.actor);
        bound = inv.input.kind === 'line' ? bind(parsed?.rest ?? [], spec) : bindStructured(inv.input.options, spec);
        refuseForgedButton(inv, spec, bound);
        // Only the preview's own Confirm confirms a click: any other button holding --yes is stale or forged.
        if (spec.confirm && bound.yes && inv.via === 'button' && !confirmed)
          throw userError('PREVIEW_EXPIRED', 'This button no longer confirms anything. Run the command again.');
        const options = validate(spec, bound);
        const signal = AbortSignal.timeout(deps.timeoutMs);
        const afterTasks: ((signal: AbortSignal) => Promise<void>)[] = [];
        const ctx: CommandContext<Record<string, unknown>, Svc> = {
          ...services,
          options,
          extra: bound.extra,
          actor: inv.actor,
          origin: inv.origin,
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
          confirmLine = lineOf(spec, bound, { yes: true });
          if (inv.via === 'console') return preview;
          const buttons = await protocol.buttons({
            actor: inv.actor,
            verb: spec.name,
            line: confirmLine,
            audit: lineOf(spec, bound, { redacted: true }),
          });
          return { ...preview, actions: [...(preview.actions ?? []), ...buttons] };
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
          await audit(
            {
              at: clock.now(),
              actor: principal(inv.actor),
              platform: inv.actor.platform,
              channel: inv.origin.channelId,
              verb: spec.name,
              line: bound ? lineOf(spec, bound, { redacted: true }) : spec.name,
              args: bound ? auditArgsOf(spec, bound) : undefined,
              outcome,
              durationMs,
            },
            log,
          );
        }
      }
    }
    return {
      reply,
      answersPreview: false,
      run,
      refused: () => REFUSALS.has(last),
      outcome: () => last,
      confirmLine: () => confirmLine,
    };
  }

  /** A preview's Confirm or Cancel: its answer takes the preview's place, unless it is refused. */
  function answerPreview(inv: Invocation, verb: ProtocolVerb, args: readonly Token[]): CorePlan {
    let last: RunOutcome | undefined;
    async function run(progress?: ProgressSink): Promise<Message> {
      const started = Date.now();
      const log = deps.log.child({ inv: inv.id, verb, platform: inv.actor.platform, user: inv.actor.userId });
      try {
        const answer = await protocol.answer(inv.actor, verb, args);
        if (answer.kind === 'run') {
          // The clicker's own run of the previewed line: permission checked again, audited as the action.
          const confirmed = planCommand({ ...inv, input: { kind: 'line', line: answer.line } }, true);
          const message = await confirmed.run(progress);
          last = confirmed.outcome();
          return message;
        }
        last = answer.outcome;
        const durationMs = Date.now() - started;
        log.info({ outcome: last, durationMs }, 'command');
        const where = { actor: principal(inv.actor), platform: inv.actor.platform, channel: inv.origin.channelId };
        await audit({ at: clock.now(), ...where, ...answer.audit, outcome: answer.outcome, durationMs }, log);
        return answer.message;
      } catch (err) {
        last = 'INTERNAL';
        log.error({ err, inv: inv.id }, 'command failed');
        return errorMessage(err, inv.id);
      }
    }
    return {
      reply: 'ephemeral',
      answersPreview: true,
      run,
      refused: () => REFUSALS.has(last),
      outcome: () => last,
      confirmLine: () => undefined,
    };
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
    plan: (inv) => planCommand(inv, false),
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    async stop() {
      stopping.abort(new BotError('INTERNAL', 'core stopping'));
      await Promise.all([...pending]);
    },
  };
}
