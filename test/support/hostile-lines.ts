// Log lines as an attacker would write them into a task or container log: shapes that make backtracking regexes
// explode, random bytes around the characters masking looks at, and ordinary lines with secrets in them.
// Shared by test/unit/bot/secrets-mask-budget.test.ts (a time budget) and bench/mask-secrets.ts (the figures).
import { prng } from './prng.js';

/** Units that, repeated, have stalled one regex or another: each is a known worst case of a masking rule. */
export const ADVERSARIAL_UNITS = [
  'pwd.',
  'token.',
  'a=',
  'a:',
  '=',
  ':',
  '"',
  "'",
  '\\"',
  'password=',
  'pwd=',
  '"password": "',
  "'token': '",
  'password        =',
  '--password ',
  '--token "',
  '://a:',
  'redis://:',
  'http://u:p',
  'eyJ-',
  'eyJaaaaa.',
  'bearer ',
  'Authorization: Bearer ',
  'authorization: ',
  'cookie: ',
  '-----BEGIN ',
  '-----BEGIN RSA ',
  'ghp_',
  'github_pat_',
  'sk-',
  'sk_live_',
  'hf_',
  'xoxb-',
  'AKIA',
  'AIza',
  'M',
  'Maaaaaaaaaaaaaaaaaaaaaaaa.',
  'x-api-key: "\\',
  'a.b.',
  ' ',
  'a',
];

const ALPHABET = 'aZ09_-.=:"\' \t/@\\{}[],;&?#%+*!<>~MNOeyJ';

const ORDINARY = [
  '[2026-01-05T10:00:00.123+0000] {taskinstance.py:1234} INFO - Marking task as SUCCESS. dag_id=train, task_id=fit',
  'epoch 3/10 loss=0.2131 accuracy=0.9120 lr=0.001 tokens=128 max_tokens=512',
  'GET /api/v2/dags?limit=100&offset=0 200 12.3ms',
  'connecting to postgresql+psycopg2://airflow:hunter2@postgres:5432/airflow',
  'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
  '{"level": "info", "event": "login", "password": "s3cr3t", "user": "bob"}',
  'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc" https://api.example.com/x?token=abc',
  'Tokenizer loaded: pad_token=[PAD] eos_token=</s> vocab_size=32000',
];

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/**
 * `count` lines, about one in ten of them 8 KB long (twice the length masking keeps), the rest up to 1 KB: adversarial
 * repeats, random characters, and ordinary lines, some with an adversarial tail.
 */
export function hostileLines(count: number, seed = 42): string[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = rnd() < 0.1 ? 8_192 : 1 + Math.floor(rnd() * 1_024);
    const kind = rnd();
    if (kind < 0.5) lines.push(repeatTo(pick(ADVERSARIAL_UNITS), length));
    else if (kind < 0.8) {
      let s = '';
      while (s.length < length) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
      lines.push(s);
    } else
      lines.push(`${pick(ORDINARY)} ${repeatTo(pick(ADVERSARIAL_UNITS), Math.floor(length / 2))}`.slice(0, length));
  }
  return lines;
}
