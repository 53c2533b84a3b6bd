// Container logs are shown in chat, where anyone in the channel reads them: blank the obvious credentials first.
// This is a safety net for careless log lines, not a guarantee; it errs towards masking too much.

const MASK = '****';

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const KEY_WORDS =
  'password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|private[_-]?key|credentials?';

const RULES: readonly Rule[] = [
  // Authorization: Bearer xyz / Basic xyz (header lines, curl -v output)
  {
    pattern: /\b(authorization\s*[:=]\s*["']?)(bearer|basic|token)\s+[^\s"',;]+/gi,
    replace: (_m, head: string, scheme: string) => `${head}${scheme} ${MASK}`,
  },
  { pattern: /\b(bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, replace: (_m, scheme: string) => `${scheme} ${MASK}` },
  // key=value, key: value, "key": "value" for secret-looking keys (also DB_PASSWORD=, slack_token: …)
  {
    pattern: new RegExp(`(\\b[\\w.-]*(?:${KEY_WORDS})[\\w.-]*["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^\\s,;&"'}]+)`, 'gi'),
    replace: (_m, head: string, value: string) => {
      const q = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
      return `${head}${q}${MASK}${q}`;
    },
  },
  // Credentials inside URLs: scheme://user:pass@host
  {
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi,
    replace: (_m, head: string) => `${head}${MASK}@`,
  },
  // AWS access key ids
  { pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: (_m, prefix: string) => `${prefix}${MASK}` },
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, and app-level xapp-
  {
    pattern: /\b(xox[abprs]|xapp)-[A-Za-z0-9-]{6,}/g,
    replace: (_m, prefix: string) => `${prefix}-${MASK}`,
  },
  // GitHub tokens
  { pattern: /\b(gh[pousr]_)[A-Za-z0-9]{20,}/g, replace: (_m, prefix: string) => `${prefix}${MASK}` },
  // PEM private key bodies
  {
    pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${MASK}`,
  },
];

/** Returns the text with obvious secrets replaced by ****; the surrounding words stay so the line still reads. */
// Masking is regex work per rule: a pathological multi-megabyte line would block the event loop for minutes.
const MAX_LINE = 4_096;

export function maskSecrets(text: string): string {
  let out = text
    .split('\n')
    .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}… (${l.length - MAX_LINE} chars cut)` : l))
    .join('\n');
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as (m: string, ...a: unknown[]) => string);
  return out;
}
