/**
 * The compose stack's own secrets (docker-compose-mlops.yml reads them from .env). The bot does not use them; it
 * reads them, when they are in its environment, only so that `serve` can refuse an empty value or a placeholder.
 */
export const COMPOSE_SECRET_NAMES = [
  'AIRFLOW_FERNET_KEY',
  'AIRFLOW_JWT_SECRET',
  'AIRFLOW_SECRET_KEY',
  'POSTGRES_PASSWORD',
] as const;

export type ComposeSecretName = (typeof COMPOSE_SECRET_NAMES)[number];

/** Environment variables whose values never reach a chat reply, a log line, the audit table or `describeConfig`. */
export const SECRET_ENV_NAMES = [
  'AIRFLOW_PASSWORD',
  'MLFLOW_TRACKING_PASSWORD',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DISCORD_TOKEN',
  'AIRFLOW_WEBHOOK_SECRET',
  'MLFLOW_WEBHOOK_SECRET',
  ...COMPOSE_SECRET_NAMES,
] as const;

export type SecretEnvName = (typeof SECRET_ENV_NAMES)[number];

/** Object fields that carry the same secrets inside the code (client options, adapter config, HTTP headers). */
const SECRET_FIELDS = [
  'password',
  'token',
  'secret',
  'botToken',
  'appToken',
  'signingSecret',
  'apiKey',
  'accessToken',
  'refreshToken',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
];

/** Keys whose values are replaced in JSON shown in chat or written to the audit table, at any depth. */
export const SECRETISH = /pass|secret|token|auth|credential|api[_-]?key/i;

/**
 * Paths pino blanks wherever they appear in a log object, derived from the lists above so a new secret is covered
 * once it is named there. Nested errors are handled by the error serializer, which drops request configs whole.
 */
export const REDACT_PATHS: readonly string[] = [
  ...[...SECRET_ENV_NAMES, ...SECRET_FIELDS].flatMap((k) => [k, `*.${k}`]),
  'headers',
  '*.headers',
  'config.headers',
  '*.config.headers',
  'config.data',
  '*.config.data',
];
