import { BotError } from '../../bot/errors.js';

interface MlflowErrorBody {
  error_code?: unknown;
  message?: unknown;
}

function jsonError(data: unknown): { code?: string; message?: string } | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as MlflowErrorBody;
  const code = typeof d.error_code === 'string' ? d.error_code : undefined;
  const message = typeof d.message === 'string' ? d.message.trim().slice(0, 400) : undefined;
  return code || message ? { code, message } : undefined;
}

/** Turns MLflow's `{error_code, message}` body into one sentence for the shared HTTP error mapping. */
export function describeMlflowError(_status: number, data: unknown): string | undefined {
  const e = jsonError(data);
  if (!e) return undefined;
  return e.code && e.message ? `${e.message} (${e.code})` : (e.message ?? e.code);
}

const HOST_HINT =
  "MLflow's security middleware rejected the Host header: reach MLflow as 127.0.0.1 or localhost, or add this host to the server's --allowed-hosts.";
const ORIGIN_HINT =
  "MLflow's security middleware blocked the request as cross-origin: the bot sends no Origin header, so a proxy added one; allow it with the server's --cors-allowed-origins.";

/**
 * Cases the generic mapping gets wrong: the security middleware's plain-text 403 is no missing role, and an unknown
 * alias and RESOURCE_ALREADY_EXISTS come as 400s although they are a missing thing and a conflict.
 */
export function mapMlflowError(status: number, data: unknown): BotError | undefined {
  if (status === 403) {
    const text = typeof data === 'string' ? data : '';
    let m: string;
    if (/invalid host header/i.test(text)) m = `MLflow answered 403: ${HOST_HINT}`;
    else if (/cross-origin/i.test(text)) m = `MLflow answered 403: ${ORIGIN_HINT}`;
    else {
      const detail = describeMlflowError(status, data) ?? text.trim().slice(0, 300);
      m = `MLflow answered 403 (forbidden)${detail ? `: ${detail}` : ''}. The MLflow user in MLFLOW_TRACKING_USERNAME lacks permission for this action.`;
    }
    return new BotError('UPSTREAM_AUTH', m, { service: 'mlflow', status, userMessage: m });
  }
  const e = jsonError(data);
  // An unknown alias of a known model comes as 400 INVALID_PARAMETER_VALUE "Registered model alias x not found."
  if (status === 400 && /alias .{0,300} not found/i.test(e?.message ?? '')) {
    const m = `MLflow: not found: ${e?.message}`;
    return new BotError('NOT_FOUND', m, { service: 'mlflow', status, userMessage: m });
  }
  if (e?.code === 'RESOURCE_ALREADY_EXISTS') {
    const m = `MLflow: already exists${e.message ? `: ${e.message}` : ''}`;
    return new BotError('CONFLICT', m, { service: 'mlflow', status, userMessage: m });
  }
  return undefined;
}
