import { dags } from './airflow/dags.js';
import { failures } from './airflow/failures.js';
import { logs } from './airflow/logs.js';
import { pause, unpause } from './airflow/pause.js';
import { retry } from './airflow/retry.js';
import { run } from './airflow/run.js';
import { runs } from './airflow/runs.js';
import { trigger } from './airflow/trigger.js';
import { alertCommands } from './alerts/index.js';
import { audit } from './audit.js';
import type { BotCommand } from './define-command.js';
import { dockerCommands } from './docker/index.js';
import { help } from './help.js';
import { best } from './mlflow/best.js';
import { experiments } from './mlflow/experiments.js';
import { model } from './mlflow/model.js';
import { models } from './mlflow/models.js';
import { promote } from './mlflow/promote.js';
import { status } from './status.js';

/** The only list of verbs: registry, help, Discord registration and docs/verbs.md all come from here. */
export const coreCommands: readonly BotCommand[] = [
  help,
  status,
  dags,
  trigger,
  runs,
  run,
  logs,
  retry,
  pause,
  unpause,
  failures,
  experiments,
  best,
  models,
  model,
  promote,
  audit,
];

/** Core verbs plus any extra sets (Docker, alerts) that other modules declare. */
export function allCommands(extra: readonly BotCommand[] = []): readonly BotCommand[] {
  return [...coreCommands, ...extra];
}

/** Everything the bot serves: what main.ts registers, the Discord golden file and docs/verbs.md. */
export const commandSet: readonly BotCommand[] = allCommands([...dockerCommands, ...alertCommands]);
