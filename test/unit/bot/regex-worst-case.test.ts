import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { looksSecret } from '../../../src/adapters/console/shell-history.js';
import { stripMention } from '../../../src/adapters/slack/strip-mention.js';
import { loadConfig } from '../../../src/app/config.js';
import { decodeSlackText, splitVerb } from '../../../src/bot/command-line.js';
import { isBotError } from '../../../src/bot/errors.js';
import { trimTrailing } from '../../../src/bot/trim-trailing.js';
import { errorLineOf } from '../../../src/scheduler/watchers/airflow-failures.js';

// Text from upstreams and chat is hostile: no regex in src/ may take more than linear time on it, or one log line
// or one Slack message stalls the event loop for every user. Two layers: every regex literal in src/ against inputs
// built from its own characters, and each entry point that feeds hostile text to a regex against its known worst case.

const SRC = join(import.meta.dirname, '../../../src');
/** CPU time, not wall time: the machine running the tests is shared, and only our own work should count. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The slower of two runs is discarded: a GC pause or a descheduled core must not fail the test, a blow-up does twice. */
function timed(work: () => unknown): number {
  const once = () => {
    const t0 = cpuMs();
    work();
    return cpuMs() - t0;
  };
  const first = once();
  return first < 5 ? first : Math.min(first, once());
}

interface Found {
  where: string;
  regex: RegExp;
}

/** Files that build a RegExp at run time: the sweep cannot see those patterns, so each has an entry-point row below. */
const DYNAMIC_REGEX_FILES = ['adapters/slack/strip-mention.ts'];

function regexLiterals(dir: string): { literals: Found[]; dynamic: Set<string> } {
  const out: Found[] = [];
  const dynamic = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(file);
        const slash = text.lastIndexOf('/');
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        // Without g or y, one exec tries every start position: the whole cost of a failing search.
        const flags = text.slice(slash + 1).replace(/[gy]/g, '');
        out.push({ where: `${relative(SRC, path)}:${line + 1}`, regex: new RegExp(text.slice(1, slash), flags) });
      }
      if (ts.isNewExpression(node) && node.expression.getText(file) === 'RegExp') dynamic.add(relative(SRC, path));
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { literals: out, dynamic };
}

const ESCAPES: Record<string, string> = { d: '0', w: 'a', s: ' ', n: '\n', t: '\t', r: '\r', b: '', B: '' };

/**
 * Inputs built from a pattern's own characters: each character, each pair, each literal run (`alias `, `eyJ`) alone
 * and followed by each character. Repeated to 10,000 characters, they are the shapes that make a backtracking
 * pattern retry at every position (`/\/+$/` on a run of slashes, `<#[^>]*` on `<#<#<#…`).
 */
function unitsOf(source: string): string[] {
  const chars = new Set<string>(['a', ' ']);
  const runs: string[] = [];
  let run = '';
  let inClass = false;
  const endRun = () => {
    if (run.length > 1) runs.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    let c = source[i] ?? '';
    let literal = true;
    if (c === '\\') {
      const e = source[++i] ?? '';
      c = e in ESCAPES ? (ESCAPES[e] ?? '') : e;
      if (e === 'u' || e === 'x') {
        c = String.fromCharCode(Number.parseInt(source.slice(i + 1, i + (e === 'u' ? 5 : 3)), 16));
        i += e === 'u' ? 4 : 2;
      }
      if (c === '') {
        endRun();
        continue;
      }
    } else if (inClass) {
      if (c === ']') inClass = false;
      if (c === '^' || c === ']' || c === '-') continue;
    } else if ('[(){}|?*+^$.'.includes(c)) {
      if (c === '[') inClass = true;
      literal = false;
    }
    if (!literal || inClass) endRun();
    if (!literal) continue;
    chars.add(c);
    if (!inClass) run += c;
  }
  endRun();
  const singles = [...chars].slice(0, 16);
  const units = [...singles];
  for (const a of singles) for (const b of singles) units.push(a + b);
  for (const r of runs) {
    units.push(r);
    for (const c of singles) units.push(r + c);
  }
  return units;
}

const LENGTH = 10_000;
/** Linear work on 10,000 characters is a fraction of a millisecond; a quadratic pattern takes 50 ms and more. */
const BUDGET_MS = 25;

describe('every regex literal in src/', () => {
  const { literals: found, dynamic } = regexLiterals(SRC);

  it('finds the regexes it checks', () => {
    expect(found.length).toBeGreaterThan(60);
  });

  it('builds no RegExp at run time outside the files whose entry points are checked below', () => {
    expect([...dynamic].sort()).toEqual(DYNAMIC_REGEX_FILES);
  });

  it('runs in linear time on inputs built from its own characters (10,000 characters, each under 25 ms)', () => {
    const slow: string[] = [];
    for (const { where, regex } of found) {
      for (const unit of unitsOf(regex.source)) {
        const input = `${unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH)}\u0001`;
        const ms = timed(() => regex.exec(input));
        if (ms > BUDGET_MS) slow.push(`${where} ${regex} on ${JSON.stringify(unit)}… ${ms.toFixed(0)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });
});

const repeat = (unit: string, length = 100_000) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Runs work that may refuse its input: a refusal is a fine answer, as long as it comes quickly. */
function settle(work: () => unknown): void {
  try {
    work();
  } catch (err) {
    if (!isBotError(err)) throw err;
  }
}

describe('entry points that feed hostile text to a regex', () => {
  // [what, the code path, its worst case at 100 KB]
  it.each([
    ['Slack text decoding: unclosed channel references', () => decodeSlackText(repeat('<#'))],
    ['Slack text decoding: unclosed labelled references', () => decodeSlackText(repeat('<#|'))],
    ['Slack text decoding: unclosed links', () => decodeSlackText(repeat('<http:'))],
    ['a Slack mention stripped from a message of unclosed mentions', () => stripMention(repeat('<@U1|'), 'U1')],
    ['a command line of 25,000 key=value pairs', () => splitVerb(`runs ${repeat('a=1 ')}`)],
    ['a command line of quotes and backslashes', () => settle(() => splitVerb(`runs ${repeat('"\\')}`))],
    ['shell history: a line of eyJ- (a JWT prefix that never ends)', () => looksSecret(repeat('eyJ-'))],
    ['shell history: a line of URL credentials without a host', () => looksSecret(repeat('//a:'))],
    ['the failure card error line: a.a.a.a… (no exception name)', () => errorLineOf([repeat('a.')])],
    ['the failure card error line: Error repeated without a word end', () => errorLineOf([repeat('Errorx')])],
    // A run of slashes that is not at the end: every position of the run starts a match that fails at the end.
    ['a base URL with 100,000 slashes before its path', () => trimTrailing(`http://af${repeat('/')}x`, '/')],
    [
      'a config URL with 100,000 slashes before its path',
      () => loadConfig({ AIRFLOW_URL: `http://af${repeat('/')}x` }),
    ],
  ])('%s', (_what, work) => {
    expect(timed(work)).toBeLessThan(100);
  });
});
