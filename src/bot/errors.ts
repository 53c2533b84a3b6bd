export type ErrorCode =
  | 'COMMAND_UNKNOWN'
  | 'OPTIONS_INVALID'
  | 'PERMISSION_DENIED'
  | 'PREVIEW_EXPIRED' // a Confirm or Cancel clicked after the preview's time ran out
  | 'BUTTON_MISMATCH' // a clicked line that does not round-trip through the grammar: refused, audited
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UPSTREAM_UNAVAILABLE' // network, timeout, 502–504
  | 'UPSTREAM_REJECTED' // other 4xx/5xx from Airflow, MLflow or Docker (carries status)
  | 'UPSTREAM_AUTH' // 401/403: credentials or role
  | 'UPSTREAM_CONTRACT' // the response failed its schema: API drift
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export type Service = 'airflow' | 'mlflow' | 'docker' | 'slack' | 'discord';

export interface BotErrorExtra {
  /** Shown to the chat user as is; must never contain a secret. */
  userMessage?: string;
  service?: Service;
  status?: number;
  cause?: unknown;
}

export class BotError extends Error {
  readonly code: ErrorCode;
  readonly userMessage?: string;
  readonly service?: Service;
  readonly status?: number;

  constructor(code: ErrorCode, message: string, extra: BotErrorExtra = {}) {
    super(message, { cause: extra.cause });
    this.name = 'BotError';
    this.code = code;
    this.userMessage = extra.userMessage;
    this.service = extra.service;
    this.status = extra.status;
  }
}

/** A BotError whose message is safe to show in chat. */
export function userError(code: ErrorCode, message: string, extra: Omit<BotErrorExtra, 'userMessage'> = {}): BotError {
  return new BotError(code, message, { ...extra, userMessage: message });
}

export function isBotError(err: unknown): err is BotError {
  return err instanceof BotError;
}
