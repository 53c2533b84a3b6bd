// Small fakes for Discord adapter tests: a scripted BotCore, an in-memory action-ref store, a log sink.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/bot/logger.js';
import type { Message } from '../../src/bot/message.js';
import type { BotCore, Invocation, Plan, ProgressSink } from '../../src/bot/types.js';

export interface Script {
  reply?: Plan['reply'];
  /** The verb is a preview's Confirm or Cancel (the real core decides this; here the script says so). */
  answersPreview?: boolean;
  /** Every answer of this script is a refusal. */
  refused?: boolean;
  run(inv: Invocation, progress?: ProgressSink): Promise<Message>;
}

/** A BotCore that records every invocation and answers from a per-verb script (the first word of a line). */
export class ScriptedCore implements BotCore {
  readonly invocations: Invocation[] = [];
  constructor(readonly scripts: Record<string, Script>) {}

  plan(inv: Invocation): Plan {
    this.invocations.push(inv);
    const verb = inv.input.kind === 'structured' ? inv.input.verb : (inv.input.line.trim().split(/\s+/)[0] ?? '');
    const script: Script = this.scripts[verb] ?? {
      run: async () => ({ tone: 'warning', text: `No command \`${verb}\`.` }),
    };
    return {
      reply: script.reply ?? 'ephemeral',
      answersPreview: script.answersPreview ?? false,
      run: (progress) => script.run(inv, progress),
      refused: () => script.refused ?? false,
    };
  }
}

export class MemoryActionRefs {
  readonly saved = new Map<string, string>();
  async saveActionRef(line: string, _ttlMs: number): Promise<string> {
    const id = String(this.saved.size + 1);
    this.saved.set(id, line);
    return id;
  }
  async loadActionRef(id: string): Promise<string | undefined> {
    return this.saved.get(id);
  }
}

/** A pino logger whose lines are kept, so tests can assert that no secret was logged. */
export function capturedLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
}
