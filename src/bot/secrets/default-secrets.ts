import type { ComposeSecretName } from './secret-names.js';

/** The settings a default secret can hide in; the app's Config has every one of them. */
export interface SecretSettings {
  AIRFLOW_URL: string;
  AIRFLOW_USERNAME: string;
  AIRFLOW_PASSWORD: string;
  MLFLOW_URL: string;
  MLFLOW_TRACKING_USERNAME?: string;
  MLFLOW_TRACKING_PASSWORD?: string;
  SLACK_SIGNING_SECRET?: string;
  AIRFLOW_WEBHOOK_SECRET?: string;
  MLFLOW_WEBHOOK_SECRET?: string;
  /** The compose stack's secrets present in the environment, empty ones included. */
  composeSecrets: Readonly<Partial<Record<ComposeSecretName, string>>>;
}

// A secret still at the value the docs or the compose file ship with is public: anyone who read them knows it.
const PLACEHOLDER = /(?:^|[-_])change[-_]?me$/i;
const GENERATE = {
  hex: 'generate one with `openssl rand -hex 32`',
  fernet:
    "generate one with `python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`",
};
/** What each compose secret protects, and how to make a real one. */
const COMPOSE: Record<ComposeSecretName, { guards: string; generate: string }> = {
  AIRFLOW_FERNET_KEY: { guards: 'Airflow encrypts connection passwords with it', generate: GENERATE.fernet },
  AIRFLOW_JWT_SECRET: { guards: 'it signs the tokens of the Airflow API', generate: GENERATE.hex },
  AIRFLOW_SECRET_KEY: { guards: 'it signs Airflow sessions', generate: GENERATE.hex },
  POSTGRES_PASSWORD: { guards: 'it opens the Airflow and MLflow databases', generate: GENERATE.hex },
};
// The stack's own defaults (docker-compose-mlops.yml, scripts/mlops-services.sh) and MLflow's basic-auth admin.
const DEFAULT_LOGINS = [
  { user: 'admin', password: 'admin' },
  { user: 'airflow', password: 'airflow' },
];
const MLFLOW_DEFAULT_LOGIN = { user: 'admin', password: 'password1234' };

/** localhost, 127.0.0.0/8 and ::1: a default login there is a laptop's, not a team's. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Known default secrets in the configuration `serve` would run with, one sentence each naming the variable and the
 * fix. The one-shot CLI and the shell do not check: against the local stack admin/admin is expected.
 */
export function findDefaultSecrets(config: SecretSettings): string[] {
  const problems: string[] = [];
  const airflowLogin = DEFAULT_LOGINS.find(
    (l) => config.AIRFLOW_USERNAME === l.user && config.AIRFLOW_PASSWORD === l.password,
  );
  if (airflowLogin && !isLoopback(config.AIRFLOW_URL))
    problems.push(
      `AIRFLOW_USERNAME and AIRFLOW_PASSWORD: ${airflowLogin.user}/${airflowLogin.password} is the stack's default ` +
        `login and ${config.AIRFLOW_URL} is not this machine; give the bot its own Airflow user with a password ` +
        `from \`openssl rand -base64 24\`.`,
    );
  if (
    config.MLFLOW_TRACKING_USERNAME === MLFLOW_DEFAULT_LOGIN.user &&
    config.MLFLOW_TRACKING_PASSWORD === MLFLOW_DEFAULT_LOGIN.password &&
    !isLoopback(config.MLFLOW_URL)
  )
    problems.push(
      `MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD: admin/password1234 is MLflow's default admin and ` +
        `${config.MLFLOW_URL} is not this machine; change the admin password in MLflow and set the new one.`,
    );
  const own: [string, string | undefined][] = [
    ['AIRFLOW_PASSWORD', config.AIRFLOW_PASSWORD],
    ['MLFLOW_TRACKING_PASSWORD', config.MLFLOW_TRACKING_PASSWORD],
    ['SLACK_SIGNING_SECRET', config.SLACK_SIGNING_SECRET],
    ['AIRFLOW_WEBHOOK_SECRET', config.AIRFLOW_WEBHOOK_SECRET],
    ['MLFLOW_WEBHOOK_SECRET', config.MLFLOW_WEBHOOK_SECRET],
  ];
  for (const [name, value] of own)
    if (value && PLACEHOLDER.test(value))
      problems.push(`${name}: still the placeholder ending in change-me; ${GENERATE.hex} and set it.`);
  for (const [name, value] of Object.entries(config.composeSecrets) as [ComposeSecretName, string][]) {
    const { guards, generate } = COMPOSE[name];
    if (value === '') problems.push(`${name}: empty, yet ${guards}; ${generate} and put it in .env.`);
    else if (PLACEHOLDER.test(value))
      problems.push(
        `${name}: still the placeholder ending in change-me, yet ${guards}; ${generate} and put it in .env.`,
      );
  }
  return problems;
}

/** The refusal `serve` prints: every problem, then the way out. */
export function describeDefaultSecrets(problems: readonly string[]): string {
  return [
    'mlops-bot serve refuses to start with default secrets:',
    ...problems.map((p) => `  - ${p}`),
    'Fix each, or set MLOPS_ALLOW_DEFAULT_SECRETS=true for a throwaway setup.',
  ].join('\n');
}
