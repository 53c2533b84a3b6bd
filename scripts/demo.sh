#!/usr/bin/env bash
# The demo on embedded defaults: brings up the local Airflow 3 + MLflow stack, then opens the interactive console.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/mlops-services.sh up
exec node bin/mlops-bot.js shell
