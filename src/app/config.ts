import ms from 'ms';
import { z } from 'zod';
import type { DiscordConfig } from '../adapters/discord/discord-adapter.js';
import type { SlackConfig } from '../adapters/slack/slack-adapter.js';
import { COMPOSE_SECRET_NAMES, type ComposeSecretName, SECRET_ENV_NAMES } from '../bot/secrets/index.js';
import { trimTrailing } from '../bot/trim-trailing.js';

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const url = (name: string) =>
  z
    .string()
    .url(`${name} must be a URL such as http://localhost:8082`)
    .transform((s) => trimTrailing(s, '/'));

const optionalSecret = z
  .string()
  .optional()
  .transform((s) => (s === '' ? undefined : s));

/** Whole seconds, or a duration such as 90s, 15m or 1h; parsed to seconds. */
const seconds = (name: string, o: { min: number; max: number; fallback: string }) =>
  z
    .string()
    .default(o.fallback)
    .transform((v, ctx) => {
      const s = /^\d+$/.test(v) ? Number(v) : Number(ms(v as ms.StringValue)) / 1000;
      if (Number.isFinite(s) && s >= o.min && s <= o.max) return Math.round(s);
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be seconds or a duration such as 15m, between ${ms(o.min * 1000)} and ${ms(o.max * 1000)}`,
      });
      return z.NEVER;
    });

const principal = /^(slack|discord|discord-role|console):[\w.@-]+$/;

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  AIRFLOW_URL: url('AIRFLOW_URL').default('http://localhost:8082'),
  AIRFLOW_UI_URL: url('AIRFLOW_UI_URL').optional(),
  AIRFLOW_USERNAME: z.string().min(1).default('admin'),
  AIRFLOW_PASSWORD: z.string().min(1).default('admin'),
  AIRFLOW_API_VERSION: z.enum(['auto', 'v1', 'v2']).default('auto'),

  MLFLOW_URL: url('MLFLOW_URL').default('http://localhost:5000'),
  MLFLOW_UI_URL: url('MLFLOW_UI_URL').optional(),
  MLFLOW_TRACKING_USERNAME: optionalSecret,
  MLFLOW_TRACKING_PASSWORD: optionalSecret,

  DOCKER_HOST: z.string().optional(),
  COMPOSE_PROJECT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'COMPOSE_PROJECT must be a compose project name (lowercase, digits, - and _)')
    .default('mlops'),

  HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),

  STATE_PATH: z.string().min(1).default('./data/mlops-bot.db'),
  HISTORY_PATH: z.string().min(1).optional(),
  MLOPS_ADMINS: z.string().optional(),
  MLOPS_OPERATORS: z.string().optional(),
  CONSOLE_ROLE: z.enum(['read', 'operate', 'admin']).default('admin'),
  CONFIRM_TTL: seconds('CONFIRM_TTL', { min: 60, max: 86_400, fallback: '15m' }),
  // Task and container logs can print a credential that masking misses: by default only operators read them.
  MLOPS_LOG_ROLE: z.enum(['read', 'operate', 'admin']).default('operate'),

  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: url('PUBLIC_URL').optional(),

  SLACK_BOT_TOKEN: optionalSecret,
  SLACK_SIGNING_SECRET: optionalSecret,
  SLACK_APP_TOKEN: optionalSecret,
  SLACK_API_URL: url('SLACK_API_URL').default('https://slack.com/api'),

  DISCORD_TOKEN: optionalSecret,
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'DISCORD_APPLICATION_ID must be a snowflake id')
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'DISCORD_GUILD_ID must be a snowflake id')
    .optional(),
  DISCORD_API_URL: url('DISCORD_API_URL').default('https://discord.com/api'),

  WATCH_INTERVAL: z.coerce
    .number()
    .int()
    .min(5)
    .max(86_400)
    .default(30)
    // node-cron fires on clock boundaries: other values would give uneven gaps between polls.
    .refine(
      (n) => (n < 60 ? 60 % n === 0 : n < 3_600 ? n % 60 === 0 && 60 % (n / 60) === 0 : n % 3_600 === 0),
      'WATCH_INTERVAL must divide a minute (5, 6, 10, 12, 15, 20, 30), be whole minutes dividing an hour, or whole hours',
    ),
  WATCH_LOOKBACK: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(600),
  ALERT_CHANNELS: z.string().optional(),
  AIRFLOW_WEBHOOK_SECRET: optionalSecret,
  MLFLOW_WEBHOOK_SECRET: optionalSecret,
  // `serve` refuses known default secrets unless this is true (a throwaway setup, a demo).
  MLOPS_ALLOW_DEFAULT_SECRETS: z.stringbool().default(false),
});

type Raw = z.infer<typeof schema>;

export interface Config extends Omit<Raw, 'MLOPS_ADMINS' | 'MLOPS_OPERATORS' | 'ALERT_CHANNELS'> {
  admins: readonly string[];
  operators: readonly string[];
  alertChannels: readonly string[];
  slack?: Omit<SlackConfig, 'port' | 'host'>;
  discord?: DiscordConfig;
  /** The compose stack's secrets that are in the environment, empty ones included: `serve` checks them. */
  composeSecrets: Readonly<Partial<Record<ComposeSecretName, string>>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; lists every problem at the same time rather than the first one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blanked = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = schema.safeParse(blanked);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const raw = parsed.success ? parsed.data : undefined;

  const admins = list(env.MLOPS_ADMINS);
  const operators = list(env.MLOPS_OPERATORS);
  for (const p of [...admins, ...operators]) {
    if (!principal.test(p))
      problems.push(`MLOPS_ADMINS/MLOPS_OPERATORS: '${p}' is not slack:<id>, discord:<id> or discord-role:<id>`);
  }
  const alertChannels = list(env.ALERT_CHANNELS);
  for (const c of alertChannels) {
    if (!/^(slack|discord|console):[\w-]+$/.test(c))
      problems.push(`ALERT_CHANNELS: '${c}' is not slack:<channel id> or discord:<channel id>`);
  }

  // Platform groups are all-or-nothing; checked on the raw env so these problems list beside schema ones.
  const e = blanked;
  if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN || e.SLACK_BOT_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required when Slack is configured');
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
      problems.push('SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: one is required (HTTP mode or Socket Mode)');
    if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith('xapp-'))
      problems.push('SLACK_APP_TOKEN: an app-level token starts with xapp-');
  }
  if (e.DISCORD_TOKEN || e.DISCORD_APPLICATION_ID) {
    if (!e.DISCORD_TOKEN) problems.push('DISCORD_TOKEN: required when Discord is configured');
    if (!e.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID: required when Discord is configured');
  }
  let slack: Config['slack'];
  let discord: Config['discord'];
  if (raw?.SLACK_BOT_TOKEN && (raw.SLACK_SIGNING_SECRET || raw.SLACK_APP_TOKEN)) {
    slack = {
      botToken: raw.SLACK_BOT_TOKEN,
      signingSecret: raw.SLACK_SIGNING_SECRET,
      appToken: raw.SLACK_APP_TOKEN,
      apiUrl: `${raw.SLACK_API_URL}/`,
    };
  }
  if (raw?.DISCORD_TOKEN && raw.DISCORD_APPLICATION_ID) {
    discord = {
      token: raw.DISCORD_TOKEN,
      applicationId: raw.DISCORD_APPLICATION_ID,
      guildId: raw.DISCORD_GUILD_ID,
      apiUrl: raw.DISCORD_API_URL,
    };
  }
  if (problems.length > 0 || !raw) throw new ConfigError(problems);

  const { MLOPS_ADMINS: _a, MLOPS_OPERATORS: _o, ALERT_CHANNELS: _c, ...rest } = raw;
  // Read from the raw env: an empty Fernet key is a problem to report, not an unset variable.
  const composeSecrets = Object.fromEntries(
    COMPOSE_SECRET_NAMES.filter((n) => env[n] !== undefined).map((n) => [n, env[n] ?? '']),
  );
  return Object.freeze({ ...rest, admins, operators, alertChannels, slack, discord, composeSecrets });
}

/** The configuration as it may be logged or shown: secrets replaced by their presence. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'slack' || k === 'discord') out[k] = v ? 'configured' : 'off';
    else if (k === 'composeSecrets')
      out[k] = Object.fromEntries(Object.entries(v as object).map(([n, s]) => [n, s ? '[set]' : '[empty]']));
    else if ((SECRET_ENV_NAMES as readonly string[]).includes(k)) out[k] = v ? '[set]' : '[unset]';
    else out[k] = v;
  }
  return out;
}
