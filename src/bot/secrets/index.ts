// The one place that knows what a secret is: the names, how logs redact them, how JSON and audit lines hide them,
// how log text masks them, and which defaults `serve` refuses.
export { describeDefaultSecrets, findDefaultSecrets, isLoopback, type SecretSettings } from './default-secrets.js';
export { containsSecret, MASK, MAX_LINE, maskSecretLines, maskSecrets } from './mask-secrets.js';
export { redactAuditValue, redactJson } from './redact-json.js';
export { isSecretKey } from './secret-key.js';
export {
  COMPOSE_SECRET_NAMES,
  type ComposeSecretName,
  REDACT_PATHS,
  SECRET_ENV_NAMES,
  SECRETISH,
  type SecretEnvName,
} from './secret-names.js';
export { serializeError } from './serialize-error.js';
