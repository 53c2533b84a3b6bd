import { z } from 'zod';
import type { CommandSpec } from './command.js';
import { type BotError, userError } from './errors.js';
import { type CommandLine, code } from './message.js';

/** One word of a command line. Text before `quotedFrom` was typed bare, so `=` and `--` there are syntax. */
export interface Token {
  value: string;
  quotedFrom: number;
}

export interface Bound {
  /** Raw values keyed by option name, coerced by the schema's property types but not yet validated. */
  raw: Record<string, unknown>;
  extra: Record<string, string>;
  yes: boolean;
}

interface PropSchema {
  type?: string;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

export interface OptionsShape {
  properties: Record<string, PropSchema>;
  required: string[];
}

const OPEN: Record<string, string> = { '"': '"', "'": "'", '“': '”', '„': '”', '”': '”', '‘': '’', '‚': '’' };
const CLOSE_ALT: Record<string, string> = { '”': '“' };
const KEY = /^[A-Za-z_][\w.-]*$/;

const shapes = new WeakMap<z.ZodObject, OptionsShape>();

/** The JSON-schema view of a spec's options, the one source for coercion, usage and Discord types. */
export function optionsShape(options: z.ZodObject): OptionsShape {
  const cached = shapes.get(options);
  if (cached) return cached;
  const js = z.toJSONSchema(options, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, PropSchema>;
    required?: string[];
  };
  const shape = { properties: js.properties ?? {}, required: js.required ?? [] };
  shapes.set(options, shape);
  return shape;
}

/**
 * Slack escapes &, < and >, and wraps channel, user and link references in <...>. A reference holds no `<` (Slack
 * sends it as &lt;), so each match stops at the next one: text full of unclosed `<#` costs linear time.
 */
export function decodeSlackText(text: string): string {
  return text
    .replace(/<([#@!][^|<>]*)(?:\|[^<>]*)?>/g, (_m, ref: string) => (ref.startsWith('#') ? ref.slice(1) : ref))
    .replace(/<((?:https?|mailto):[^|<>]*)(?:\|[^<>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function invalid(message: string): BotError {
  return userError('OPTIONS_INVALID', message);
}

/** Where a bare JSON object or array starting at `start` closes (exclusive), or -1: chat users rarely quote JSON. */
function jsonEnd(chars: readonly string[], start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < chars.length; i++) {
    const c = chars[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Splits a line on whitespace; quotes (straight and typographic) group, backslash escapes outside single quotes. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(line);
  let cur: Token | undefined;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (/\s/u.test(c)) {
      if (cur) tokens.push(cur);
      cur = undefined;
      i++;
      continue;
    }
    cur ??= { value: '', quotedFrom: Number.POSITIVE_INFINITY };
    if ((c === '{' || c === '[') && !Number.isFinite(cur.quotedFrom) && (cur.value === '' || cur.value.endsWith('='))) {
      const end = jsonEnd(chars, i);
      if (end > i) {
        cur.quotedFrom = cur.value.length;
        cur.value += chars.slice(i, end).join('');
        i = end;
        continue;
      }
    }
    if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) throw invalid('The line ends with a lone backslash.');
      cur.quotedFrom = Math.min(cur.quotedFrom, cur.value.length);
      cur.value += next;
      i += 2;
      continue;
    }
    const close = OPEN[c];
    if (close !== undefined) {
      const alt = CLOSE_ALT[close];
      const start = i;
      cur.quotedFrom = Math.min(cur.quotedFrom, cur.value.length);
      i++;
      let closed = false;
      while (i < chars.length) {
        const q = chars[i] as string;
        if (q === close || (alt !== undefined && q === alt) || (c === '„' && q === '“')) {
          closed = true;
          i++;
          break;
        }
        if (q === '\\' && c === '"' && i + 1 < chars.length) {
          cur.value += chars[i + 1];
          i += 2;
          continue;
        }
        cur.value += q;
        i++;
      }
      if (!closed) throw invalid(`The quote ${c} at character ${start + 1} is never closed.`);
      continue;
    }
    cur.value += c;
    i++;
  }
  if (cur) tokens.push(cur);
  for (const t of tokens) if (!Number.isFinite(t.quotedFrom)) t.quotedFrom = t.value.length;
  return tokens;
}

/** The verb is the first token; the rest are bound against its spec. */
export function splitVerb(line: string): { verb: string; rest: Token[] } {
  const tokens = tokenize(line);
  const first = tokens[0];
  return { verb: first ? first.value.toLowerCase() : '', rest: tokens.slice(1) };
}

function optionName(spec: CommandSpec, name: string): string | undefined {
  const props = optionsShape(spec.options).properties;
  if (Object.hasOwn(props, name)) return name;
  const snake = name.replace(/-/g, '_');
  return Object.hasOwn(props, snake) ? snake : undefined;
}

function typeLabel(p: PropSchema | undefined): string {
  if (p?.enum) return p.enum.join('|');
  if (p?.type === 'integer' || p?.type === 'number') return 'n';
  return p?.type ?? 'value';
}

/** `trigger <dag> [conf=<string>] [--run-id <string>]`, built from the args and the schema. */
export function usageLine(spec: CommandSpec): string {
  const { properties, required } = optionsShape(spec.options);
  const args = spec.args ?? [];
  const parts = [spec.name];
  for (const a of args) parts.push(required.includes(a) ? `<${a}>` : `[${a}]`);
  if (spec.passthrough) parts.push('[key=value ...]');
  for (const [name, p] of Object.entries(properties)) {
    if (args.includes(name)) continue;
    const flag = `--${name.replace(/_/g, '-')}`;
    const body = p.type === 'boolean' ? flag : `${flag} <${typeLabel(p)}>`;
    parts.push(required.includes(name) ? body : `[${body}]`);
  }
  return parts.join(' ');
}

function usageError(spec: CommandSpec, problem: string): BotError {
  return invalid(`${problem}\nUsage: \`${usageLine(spec)}\``);
}

function coerce(spec: CommandSpec, name: string, value: string | number | boolean): unknown {
  const p = optionsShape(spec.options).properties[name];
  if (typeof value !== 'string') {
    if (p?.type === 'string') return String(value);
    return value;
  }
  switch (p?.type) {
    case 'integer':
      if (/^[-+]?\d+$/.test(value.trim())) return Number(value);
      throw usageError(spec, `\`${name}\` must be a whole number, not ${code(value)}.`);
    case 'number': {
      const n = Number(value);
      if (value.trim() !== '' && Number.isFinite(n)) return n;
      throw usageError(spec, `\`${name}\` must be a number, not ${code(value)}.`);
    }
    case 'boolean':
      if (/^(true|yes|on|1)$/i.test(value)) return true;
      if (/^(false|no|off|0)$/i.test(value)) return false;
      throw usageError(spec, `\`${name}\` must be true or false, not ${code(value)}.`);
    default:
      return value;
  }
}

/** Fills spec.args in order; key=value, --key value, --key=value and bare --flag set options. */
export function bind(tokens: readonly Token[], spec: CommandSpec): Bound {
  const props = optionsShape(spec.options).properties;
  const args = spec.args ?? [];
  const raw: Record<string, unknown> = {};
  const extra: Record<string, string> = {};
  const unknown: string[] = [];
  const surplus: string[] = [];
  let yes = false;
  let nextArg = 0;
  const set = (name: string, value: string | boolean) => {
    if (Object.hasOwn(raw, name)) throw usageError(spec, `\`${name}\` is given more than once.`);
    raw[name] = coerce(spec, name, value);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const bare = t.value.slice(0, t.quotedFrom);
    if (bare.startsWith('--') && t.value.length > 2) {
      const eq = bare.indexOf('=');
      const key = eq >= 0 ? t.value.slice(2, eq) : t.value.slice(2);
      if (key === 'yes' && eq < 0) {
        yes = true;
        continue;
      }
      const name = optionName(spec, key);
      if (!name) {
        unknown.push(`--${key}`);
        if (eq < 0 && tokens[i + 1] && !tokens[i + 1]?.value.startsWith('--')) i++;
        continue;
      }
      if (eq >= 0) {
        set(name, t.value.slice(eq + 1));
        continue;
      }
      const next = tokens[i + 1];
      if (props[name]?.type === 'boolean') {
        if (next && next.quotedFrom > 0 && /^(true|false)$/i.test(next.value)) {
          set(name, next.value);
          i++;
        } else set(name, true);
        continue;
      }
      if (!next) throw usageError(spec, `\`--${key}\` needs a value.`);
      set(name, next.value);
      i++;
      continue;
    }
    const eq = bare.indexOf('=');
    if (eq > 0 && KEY.test(t.value.slice(0, eq))) {
      const key = t.value.slice(0, eq);
      const value = t.value.slice(eq + 1);
      const name = optionName(spec, key);
      if (name) set(name, value);
      else if (spec.passthrough) {
        if (Object.hasOwn(extra, key)) throw usageError(spec, `\`${key}\` is given more than once.`);
        extra[key] = value;
      } else unknown.push(key);
      continue;
    }
    const arg = args[nextArg];
    if (arg === undefined) {
      surplus.push(t.value);
      continue;
    }
    nextArg++;
    set(arg, t.value);
  }
  if (unknown.length) {
    const known = Object.keys(props).filter((k) => !args.includes(k));
    const hint = known.length ? ` Options: ${known.map((k) => `\`${k}\``).join(', ')}.` : ' It takes no options.';
    throw usageError(spec, `Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map(code).join(', ')}.${hint}`);
  }
  if (surplus.length) throw usageError(spec, `Too many arguments: ${surplus.map(code).join(' ')}.`);
  return { raw, extra, yes };
}

/** Binds Discord-style typed options (already named) the same way a line is bound. */
export function bindStructured(options: Readonly<Record<string, string | number | boolean>>, spec: CommandSpec): Bound {
  const raw: Record<string, unknown> = {};
  const unknown: string[] = [];
  let yes = false;
  for (const [key, value] of Object.entries(options)) {
    if (key === 'yes') {
      yes = value === true || value === 'true';
      continue;
    }
    const name = optionName(spec, key);
    if (!name) unknown.push(key);
    else raw[name] = coerce(spec, name, value);
  }
  if (unknown.length) throw usageError(spec, `Unknown option ${unknown.map(code).join(', ')}.`);
  return { raw, extra: {}, yes };
}

/** Turns zod issues into one sentence per field, with the usage line. */
export function validate<S extends z.ZodObject>(spec: CommandSpec<S>, bound: Bound): z.infer<S> {
  const { required } = optionsShape(spec.options);
  const missing = (spec.args ?? []).filter((a) => required.includes(a) && bound.raw[a] === undefined);
  if (missing.length) throw usageError(spec, `Missing ${missing.map((m) => `<${m}>`).join(' ')}.`);
  const parsed = spec.options.safeParse(bound.raw);
  if (parsed.success) return parsed.data as z.infer<S>;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || 'options';
    return `\`${field}\`: ${issue.message}`;
  });
  throw usageError(spec, problems.join('; '));
}

const SAFE = /^[^\s"'“”„‘’‚\\]+$/u;

/** tokenize() reads a bare `{` or `[` at a value's start as JSON running to its closing bracket, across spaces. */
const JSON_START = /^[[{]|=[[{]/;

/** Quotes a value so tokenize() gives it back unchanged; positional values also guard a bare `=`. */
export function quote(value: string, positional: boolean): string {
  const needs =
    !SAFE.test(value) || value.startsWith('--') || JSON_START.test(value) || (positional && value.includes('='));
  if (!needs) return value;
  if (!/['‘’‚]/u.test(value) && value !== '') return `'${value}'`;
  // Inside double quotes only " and \ need escaping; typographic quotes are closed by ”, so escape those too.
  return `"${value.replace(/["\\”“]/g, (c) => `\\${c}`)}"`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** The inverse of tokenize+bind: every button's command line comes from here. */
export function formatLine(
  verb: string,
  args: readonly unknown[] = [],
  options: Readonly<Record<string, unknown>> = {},
  flags: { yes?: boolean } = {},
): CommandLine {
  const parts = [verb];
  for (const a of args) parts.push(quote(show(a), true));
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    if (v === true) parts.push(`--${k.replace(/_/g, '-')}`);
    else parts.push(`${k}=${quote(show(v), false)}`);
  }
  if (flags.yes) parts.push('--yes');
  return parts.join(' ') as CommandLine;
}
