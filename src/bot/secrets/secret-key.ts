/** Keys longer than this are judged by their last 64 characters: the words that name a secret end a key. */
export const MAX_KEY = 64;

// Anywhere in a key, these name a secret: PGPASSWORD, client_secret, password_policy (masked too: harmless).
const ANYWHERE = ['password', 'passwd', 'passphrase', 'secret', 'credential'];
// Only as the key's last word: slack_token is a secret, token_count and max_tokens are not.
const LAST_WORD = new Set([
  'token',
  'pwd',
  'auth',
  'authorization',
  'cookie',
  'sig',
  'signature',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
]);
// `<word>_key` names a secret for these words only: api_key, AccountKey, FERNET_KEY; not primary_key or cache_key.
const KEY_OF = new Set([
  'api',
  'access',
  'private',
  'secret',
  'fernet',
  'account',
  'signing',
  'encryption',
  'master',
  'client',
  'session',
  'license',
  'subscription',
  'app',
]);
// Tokenizer vocabulary (pad_token, eos_token) and counters (max_token) print in every ML log; pagination tokens are
// cursors. None of them is a credential.
const NOT_A_CREDENTIAL_TOKEN = new Set([
  'pad',
  'bos',
  'eos',
  'unk',
  'sep',
  'cls',
  'mask',
  'special',
  'start',
  'end',
  'max',
  'min',
  'num',
  'total',
  'input',
  'output',
  'prompt',
  'completion',
  'page',
  'continuation',
  'cancellation',
]);
// `pass` is a secret as a whole key (--pass, db_pass) but not in forward_pass or first_pass.
const PASS_OF = new Set(['db', 'user', 'admin', 'root', 'smtp', 'ftp', 'proxy', 'ldap', 'redis', 'mail', 'mysql']);
// `secret_rotation.py:42` is a file and a line number, not a secret.
const SOURCE_FILE =
  /\.(?:py|ipynb|js|mjs|cjs|ts|java|scala|kt|go|rb|rs|c|cc|cpp|h|sh|sql|r|yaml|yml|json|toml|ini|cfg|conf|txt|log|md|tf)$/i;
// Quick test before the word split: almost every key in a log line fails it.
const MAYBE = /pass|pwd|secret|token|key|auth|credential|cookie|sig/i;

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isUpper(c) || isLower(c) || isDigit(c);

/** The last two words of a key, lowercased, split at separators and camelCase: `xApiKey` → ['key', 'api']. */
function lastTwoWords(key: string): string[] {
  const words: string[] = [];
  let end = key.length;
  for (let i = key.length - 1; i >= 0 && words.length < 2; i--) {
    const c = key.charCodeAt(i);
    if (!isAlnum(c)) {
      end = i;
      continue;
    }
    const prev = i > 0 ? key.charCodeAt(i - 1) : 0;
    // A word starts after a separator, at fooBar's B, and at HTTPServer's S (capitals, then a capitalised word).
    const camel = isUpper(c) && (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(key.charCodeAt(i + 1))));
    if (!isAlnum(prev) || camel) {
      words.push(key.slice(i, end).toLowerCase());
      end = i;
    }
  }
  return words;
}

/** Whether the value after this key (`key=value`, `key: value`, `--key value`) is a credential. */
export function isSecretKey(rawKey: string): boolean {
  const key = rawKey.slice(-MAX_KEY).replace(/^-+/, '');
  if (!MAYBE.test(key) || SOURCE_FILE.test(key)) return false;
  // $PWD and $OLDPWD are directories in every environment dump.
  if (key === 'PWD' || key === 'OLDPWD') return false;
  const lower = key.toLowerCase();
  if (ANYWHERE.some((w) => lower.includes(w))) return true;
  const [last = '', before = ''] = lastTwoWords(key);
  if (last === 'token') return !NOT_A_CREDENTIAL_TOKEN.has(before);
  if (last === 'key') return KEY_OF.has(before);
  if (last === 'pass') return before === '' || PASS_OF.has(before);
  return LAST_WORD.has(last);
}
