// Task and container logs are shown in chat, where anyone in the channel reads them: blank the credentials first.
// This is a safety net for careless log lines, not a guarantee; it errs towards masking too much, but keeps the key
// and ML vocabulary (tokens=128, pad_token, token_count) readable.
//
// Log text is hostile and may be built to stall a regex: every pattern here either starts at a literal and stops at
// a character class that the next attempt cannot overlap, or has bounded quantifiers. Key=value pairs are found by a
// scan for `=`/`:` and a bounded look back, not by a regex. test/unit/bot/regex-worst-case.test.ts holds each
// pattern to linear time, test/unit/bot/secrets-mask-budget.test.ts the whole; bench/mask-secrets.ts measures it.
import { isSecretKey, MAX_KEY } from './secret-key.js';

// A local copy: an imported binding read per character costs a getter call under some loaders.
const KEY_LIMIT = MAX_KEY;

export const MASK = '****';
/** Longer lines are cut before masking: the chat shows a few thousand characters of a line at most. */
export const MAX_LINE = 4_096;
/** A private key block longer than this (a 16k-bit RSA key is ~200 lines) is assumed to have lost its END line. */
const MAX_PEM_LINES = 200;

interface Rule {
  /** A cheap substring test that skips the regex on lines that cannot match. */
  when?: (line: string) => boolean;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const has =
  (...needles: string[]) =>
  (line: string) =>
    needles.some((n) => line.includes(n));

/** Values that say nothing secret: password_required=true, auth: none, token=****. */
const NOT_A_SECRET = /^(?:true|false|null|none|nil|undefined|yes|no|on|off|\*+|\[redacted\]|<redacted>)$/i;

const RULES: readonly Rule[] = [
  // --password x, --token "x y" (the `--password=x` form is a key=value pair)
  {
    when: has('--'),
    pattern: /(?<![\w-])(--[A-Za-z][\w-]{0,62})([ \t]{1,8})("[^"]*"?|'[^']*'?|[^\s"'-][^\s"']*)/g,
    replace: (m, flag: string, gap: string, value: string) => {
      if (!isSecretKey(flag)) return m;
      const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const bare = q ? value.slice(1, value.endsWith(q) && value.length > 1 ? -1 : undefined) : value;
      return bare === '' || NOT_A_SECRET.test(bare) ? m : `${flag}${gap}${q}${MASK}${q}`;
    },
  },
  // scheme://user:password@host, redis://:password@host
  {
    when: has('://'),
    pattern: /(:\/\/[^\s:/@]{0,256}:)[^\s/?#]{1,1024}@/g,
    replace: (_m, head: string) => `${head}${MASK}@`,
  },
  // Bearer tokens outside an Authorization header (curl -v output, error messages)
  {
    when: (line) => /bearer/i.test(line),
    pattern: /\b(bearer)[ \t]{1,8}[A-Za-z0-9._~+/-]{8,}=*/gi,
    replace: (_m, scheme: string) => `${scheme} ${MASK}`,
  },
  // AWS access key ids
  { when: has('AKIA', 'ASIA'), pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: (_m, p: string) => `${p}${MASK}` },
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, and app-level xapp-
  {
    when: has('xox', 'xapp-'),
    pattern: /\b(xox[a-z]|xapp)-[A-Za-z0-9-]{6,}/g,
    replace: (_m, p: string) => `${p}-${MASK}`,
  },
  // GitHub (classic and fine-grained) and GitLab personal access tokens
  {
    when: has('gh', 'github_pat_', 'glpat-'),
    pattern: /\b(gh[pousr]_|github_pat_|glpat-)[A-Za-z0-9_-]{20,}/g,
    replace: (_m, p: string) => `${p}${MASK}`,
  },
  // Google API keys
  { when: has('AIza'), pattern: /\b(AIza)[0-9A-Za-z_-]{35}/g, replace: (_m, p: string) => `${p}${MASK}` },
  // Stripe secret and restricted keys, webhook signing secrets
  {
    when: has('k_live_', 'k_test_', 'whsec_'),
    pattern: /\b((?:sk|rk)_(?:live|test)_|whsec_)[0-9A-Za-z]{10,}/g,
    replace: (_m, p: string) => `${p}${MASK}`,
  },
  // OpenAI-style keys (sk-..., sk-proj-...; also Anthropic's sk-ant-...)
  { when: has('sk-'), pattern: /\b(sk-)[A-Za-z0-9_-]{20,}/g, replace: (_m, p: string) => `${p}${MASK}` },
  // Hugging Face and npm tokens
  {
    when: has('hf_', 'npm_'),
    pattern: /\b(hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36})\b/g,
    replace: (m) => `${m.slice(0, m.indexOf('_') + 1)}${MASK}`,
  },
  // JWTs: header and payload are base64url JSON, so both start with eyJ
  {
    when: has('eyJ'),
    pattern: /(?<![\w-])eyJ[\w-]{5,}\.eyJ[\w-]{2,}\.[\w-]*/g,
    replace: () => `eyJ${MASK}`,
  },
  // Discord bot tokens: base64 user id . timestamp . HMAC
  {
    when: has('.'),
    pattern: /(?<![\w-])[MNO][\w-]{23,27}\.[\w-]{6,7}\.[\w-]{27,}/g,
    replace: () => MASK,
  },
];

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY/;

// Character codes: the scan below runs per character of every log line shown.
const TAB = 9;
const SPACE = 32;
const DQUOTE = 34;
const AMP = 38;
const SQUOTE = 39;
const COMMA = 44;
const SLASH = 47;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQ = 61;
const GT = 62;
const BANG = 33;
const LBRACKET = 91;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

const isSpace = (c: number) => c === SPACE || c === TAB;
const isQuote = (c: number) => c === DQUOTE || c === SQUOTE;
const isKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
// Where an unquoted value ends (NaN past the end); a password with a space or a comma is rare, and the rest of the
// line stays readable. Authorization values run past spaces (scheme, credential), cookies to the end of the line.
const endsValue = (c: number) =>
  Number.isNaN(c) || isSpace(c) || c === COMMA || c === SEMI || c === AMP || isQuote(c) || c === RBRACE;
const endsHeaderValue = (c: number) => !isSpace(c) && endsValue(c);
const endsCookie = (c: number) => Number.isNaN(c) || isQuote(c);

/** The index of the quote closing the string that opens at `open`, or the end of the line. */
function closingQuote(line: string, open: number): number {
  const q = line.charCodeAt(open);
  for (let i = open + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === q) return i;
  }
  return line.length;
}

/** The part of the value starting at `at` that is the credential, for the secret key `key`. */
function secretSpan(line: string, at: number, key: string): { start: number; end: number } | undefined {
  const c = line.charCodeAt(at);
  if (Number.isNaN(c) || c === LBRACE || c === LBRACKET) return undefined; // an object: its own keys are checked
  const lower = key.toLowerCase();
  const header = lower.endsWith('authorization') ? 'auth' : lower.endsWith('cookie') ? 'cookie' : undefined;
  let start = at;
  let end: number;
  if (isQuote(c)) {
    start = at + 1;
    end = closingQuote(line, at);
  } else {
    const ends = header === 'auth' ? endsHeaderValue : header === 'cookie' ? endsCookie : endsValue;
    end = at;
    while (!ends(line.charCodeAt(end))) end++;
  }
  if (header === 'auth') {
    // Keep the scheme readable: Authorization: Basic ****
    const scheme = /^[A-Za-z][\w-]{0,30}[ \t]+/.exec(line.slice(start, Math.min(end, start + 40)));
    if (scheme) start += scheme[0].length;
  }
  const value = line.slice(start, end).trimEnd();
  if (value === '' || NOT_A_SECRET.test(value)) return undefined;
  return { start, end: start + value.length };
}

/** key=value, key: value, "key": "value", KEY = value: the value is masked when the key names a secret. */
function maskAssignments(line: string): string {
  let out = '';
  let copied = 0;
  let nextEq = line.indexOf('=');
  let nextColon = line.indexOf(':');
  for (let i = 0; i < line.length; i++) {
    // Jump to the next separator: most characters of a log line are not one.
    if (nextEq !== -1 && nextEq < i) nextEq = line.indexOf('=', i);
    if (nextColon !== -1 && nextColon < i) nextColon = line.indexOf(':', i);
    if (nextEq === -1 && nextColon === -1) break;
    i = nextEq === -1 ? nextColon : nextColon === -1 ? nextEq : Math.min(nextEq, nextColon);
    const c = line.charCodeAt(i);
    const next = line.charCodeAt(i + 1);
    if (c === COLON && next === SLASH && line.charCodeAt(i + 2) === SLASH) continue; // a URL: its own rule
    const prev = line.charCodeAt(i - 1);
    if (c === EQ && (next === EQ || prev === EQ || prev === BANG || prev === LT || prev === GT)) continue;
    // Back over at most a few spaces and one closing quote to the key; the look back is bounded, so a line of
    // `pwd.pwd.pwd…` costs what its length costs.
    let j = i - 1;
    for (let n = 0; n < 8 && isSpace(line.charCodeAt(j)); n++) j--;
    if (isQuote(line.charCodeAt(j))) j--;
    const keyEnd = j + 1;
    let keyStart = keyEnd;
    while (keyStart > copied && keyEnd - keyStart < KEY_LIMIT && isKeyChar(line.charCodeAt(keyStart - 1))) keyStart--;
    if (keyStart === keyEnd) continue;
    const key = line.slice(keyStart, keyEnd);
    if (!isSecretKey(key)) continue;
    let v = i + 1;
    while (isSpace(line.charCodeAt(v))) v++;
    const span = secretSpan(line, v, key);
    if (!span) continue;
    out += `${line.slice(copied, span.start)}${MASK}`;
    copied = span.end;
    i = span.end - 1;
  }
  return copied === 0 ? line : out + line.slice(copied);
}

/** Masks one line; a longer line is cut at MAX_LINE first, and says so after the masking. */
function maskLine(raw: string): string {
  const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
  let out = line.includes('=') || line.includes(':') ? maskAssignments(line) : line;
  for (const rule of RULES) {
    if (!rule.when || rule.when(out)) out = out.replace(rule.pattern, rule.replace as (m: string) => string);
  }
  return raw.length > MAX_LINE ? `${out}… (${raw.length - MAX_LINE} chars cut)` : out;
}

/**
 * Log lines with secrets replaced by ****; the key stays so the line still reads. Lines are cut at MAX_LINE first.
 * A private key block is followed across lines: its header and END line stay, the lines between become ****.
 */
export function maskSecretLines(lines: readonly string[]): string[] {
  let inKey = 0;
  return lines.map((raw) => {
    if (inKey > 0) {
      if (PEM_END.test(raw.slice(0, MAX_LINE))) {
        inKey = 0;
        return maskLine(raw);
      }
      inKey--;
      return MASK;
    }
    const masked = maskLine(raw);
    const begin = PEM_BEGIN.exec(masked);
    if (!begin) return masked;
    // A block continues on the next lines; a key on one line (JSON with \n escapes) is masked to the end of the line.
    const after = begin.index + begin[0].length;
    if (masked.slice(after).trim() === '') {
      inKey = MAX_PEM_LINES;
      return masked;
    }
    return `${masked.slice(0, after)} ${MASK}`;
  });
}

/** Text (one line or several) with secrets replaced by ****, as maskSecretLines does per line. */
export function maskSecrets(text: string): string {
  return maskSecretLines(text.split('\n')).join('\n');
}

/** Whether masking would change the text; text too long to check whole counts as holding a secret. */
export function containsSecret(text: string): boolean {
  return text.length > MAX_LINE || maskSecrets(text) !== text;
}
