#!/usr/bin/env bash
# Local MLOps stack without Docker: Airflow 3 (api-server, scheduler, dag-processor, triggerer) and an MLflow
# tracking server, each in a venv built from a pinned lock in scripts/python/, cached outside the clone.
#
#   mlops-services.sh up | down | status          Airflow 3 on :8082 and MLflow on :5000
#   mlops-services.sh up-airflow2 | down-airflow2  Airflow 2.10 on :8092 (v1 API, Basic auth)
#   mlops-services.sh venv-path <airflow3|mlflow|airflow2>   print the venv dir (installs it if missing)
#   mlops-services.sh env <airflow3|airflow2>      print `export` lines to run the airflow CLI against the stack
#
# Environment: AIRFLOW_PORT (8082), MLFLOW_PORT (5000), AIRFLOW2_PORT (8092), MLOPS_CACHE (~/.cache/mlops-bot),
# MLOPS_STATE_DIR (<repo>/.mlops), MLOPS_PYTHON (python3.11), MLOPS_UP_TIMEOUT (240 s), AIRFLOW_API_WORKERS (2).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${MLOPS_STATE_DIR:-$REPO/.mlops}"
CACHE="${MLOPS_CACHE:-$HOME/.cache/mlops-bot}"
LOCKS="$REPO/scripts/python"
AIRFLOW_PORT="${AIRFLOW_PORT:-8082}"
MLFLOW_PORT="${MLFLOW_PORT:-5000}"
AIRFLOW2_PORT="${AIRFLOW2_PORT:-8092}"
UP_TIMEOUT="${MLOPS_UP_TIMEOUT:-240}"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
AF3_HOME="$STATE/airflow3"
AF2_HOME="$STATE/airflow2"
MLFLOW_DIR="$STATE/mlflow"
AF3_PROCS="api-server scheduler dag-processor triggerer"
AF2_PROCS="scheduler webserver"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1

log() { printf '[mlops %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

pick_python() {
  local py="${MLOPS_PYTHON:-}"
  if [ -z "$py" ]; then
    for c in python3.11 python3; do command -v "$c" >/dev/null 2>&1 && { py="$c"; break; }; done
  fi
  [ -n "$py" ] || die "no python3 found (set MLOPS_PYTHON)"
  # Locks were resolved on 3.11; another minor version may still work, so warn rather than refuse.
  local ver; ver="$("$py" -c 'import sys;print("%d.%d"%sys.version_info[:2])')"
  [ "$ver" = "3.11" ] || log "warning: $py is Python $ver; the locks were resolved on 3.11"
  echo "$py"
}

lock_file() { echo "$LOCKS/$1.lock.txt"; }
lock_sha() { sha256sum "$(lock_file "$1")" | cut -c1-16; }
venv_dir() { echo "$CACHE/venvs/$1-$(lock_sha "$1")"; }

# Builds the venv for lock <name> unless a venv with a matching stamp exists; prints its path.
ensure_venv() {
  local name="$1" lock dir sha start
  lock="$(lock_file "$name")"
  [ -f "$lock" ] || die "missing lock file $lock"
  sha="$(sha256sum "$lock" | cut -d' ' -f1)"
  dir="$(venv_dir "$name")"
  mkdir -p "$CACHE/venvs"
  # One installer at a time per venv: parallel `up` calls would otherwise race on the same directory.
  exec 9>"$CACHE/venvs/.$name.lock"
  flock 9
  if [ -f "$dir/.mlops-stamp" ] && [ "$(cat "$dir/.mlops-stamp")" = "$sha" ] && [ -x "$dir/bin/python" ]; then
    log "venv $name: cached ($dir)"
  else
    start=$(now)
    log "venv $name: installing from $(basename "$lock") into $dir (first time takes minutes)"
    rm -rf "$dir"
    "$(pick_python)" -m venv "$dir"
    # The lock is a complete freeze, so --no-deps skips the resolver without losing anything.
    if ! "$dir/bin/pip" install --no-deps -r "$lock" >"$LOGS/pip-$name.log" 2>&1; then
      tail -n 25 "$LOGS/pip-$name.log" >&2
      rm -rf "$dir"
      die "pip install for $name failed (log: $LOGS/pip-$name.log)"
    fi
    echo "$sha" >"$dir/.mlops-stamp"
    log "venv $name: installed in $(($(now) - start))s"
  fi
  flock -u 9
  exec 9>&-
  echo "$dir"
}

pidfile() { echo "$PIDS/$1.pid"; }

# A pid counts as ours only while its command line still names the program we started (pids get reused).
alive() {
  local f pid
  f="$(pidfile "$1")"
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE 'airflow|mlflow|gunicorn|uvicorn'
}

port_answers() { curl -s -o /dev/null --max-time 3 "http://127.0.0.1:$1/" ; }

# Starts a command in its own session so `down` can stop it with all its children, and nothing else.
spawn() {
  local name="$1"; shift
  if alive "$name"; then log "$name already running (pid $(cat "$(pidfile "$name")"))"; return 0; fi
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
  echo "$1" >"$PIDS/$name.cmd"
  log "started $name (pid $!, log $LOGS/$name.log)"
}

# Stops the process groups of the named pid files together: TERM, up to 15 s grace, then KILL.
# (uvicorn waits for idle keep-alive clients on TERM, hence the KILL fallback.)
stop() {
  local name pid i running=""
  for name in "$@"; do
    if alive "$name"; then
      pid="$(cat "$(pidfile "$name")")"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      running="$running $name"
    else
      rm -f "$(pidfile "$name")"
    fi
  done
  for i in $(seq 1 30); do
    local still=""
    for name in $running; do alive "$name" && still="$still $name"; done
    [ -n "$still" ] || break
    sleep 0.5
  done
  for name in $running; do
    pid="$(cat "$(pidfile "$name")")"
    if alive "$name"; then
      log "$name (pid $pid) ignored TERM; sending KILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name (pid $pid)"
    rm -f "$(pidfile "$name")" "$PIDS/$name.cmd"
  done
}

# True when the running process was started from venv dir $2 (false after a lock change). Airflow rewrites its
# process titles, so the program path is recorded at spawn time instead of read back from /proc.
runs_from() {
  alive "$1" && grep -qF "$2/" "$PIDS/$1.cmd" 2>/dev/null
}

# True when the running process reads the DAG folder this checkout gives Airflow; false for one started before the
# test DAGs moved to test/dags (it would lose them once they leave dags/).
reads_dag_folder() {
  local pid
  pid="$(cat "$(pidfile "$1")" 2>/dev/null)" || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "AIRFLOW__CORE__DAGS_FOLDER=$STATE/dags"
}

# Fails fast, with the tail of its log, when a process we started has died.
check_alive() {
  local name
  for name in "$@"; do
    if ! alive "$name"; then
      log "$name died; last lines of $LOGS/$name.log:"
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during start-up"
    fi
  done
}

port_free_or_ours() {
  local port="$1" what="$2"
  if port_answers "$port"; then
    die "port $port already answers but $what is not running from this checkout; stop that process or set the port env"
  fi
}

# Airflow reads one DAG folder: the production DAGs of dags/ and the test DAGs of test/dags/ side by side, as
# symlinks, so the test DAGs never reach a team's Airflow through dags/. Links only change when their target does:
# a DAG whose file vanished for a moment would be deactivated by a running dag-processor.
dag_folder() {
  local dir="$STATE/dags" f name
  mkdir -p "$dir"
  for f in "$REPO"/dags/* "$REPO"/test/dags/*; do
    name="$(basename "$f")"
    [ "$name" != __pycache__ ] || continue
    [ "$(readlink "$dir/$name" 2>/dev/null)" = "$f" ] || ln -sfn "$f" "$dir/$name"
  done
  for f in "$dir"/*; do [ -e "$f" ] || rm -f "$f"; done
  echo "$dir"
}

random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

secret_file() {
  local f="$1"
  [ -s "$f" ] || { umask 077; random_secret >"$f"; }
  cat "$f"
}

af3_env() {
  mkdir -p "$AF3_HOME"
  export AIRFLOW_HOME="$AF3_HOME"
  AIRFLOW__CORE__DAGS_FOLDER="$(dag_folder)"
  export AIRFLOW__CORE__DAGS_FOLDER
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
  export AIRFLOW__CORE__EXECUTOR=LocalExecutor
  export AIRFLOW__CORE__PARALLELISM=4
  export AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG=4
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin,viewer:viewer,operator:user"
  export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$AF3_HOME/simple_auth_manager_passwords.json.generated"
  # Airflow turns on WAL itself. Keep sqlite3's 5 s busy timeout: the rare "database is locked" seen here is the
  # single api-server process waiting on its own open transaction, so a longer timeout only lengthens the stall.
  export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AF3_HOME/airflow.db"
  export AIRFLOW__API__HOST=127.0.0.1
  export AIRFLOW__API__PORT="$AIRFLOW_PORT"
  # Two workers: with one, a mutating API call can wait on a transaction held by the same process and answer
  # 500 "database is locked" after 5 s (about 1 in 60 calls while DAGs run); two showed none in 120.
  export AIRFLOW__API__WORKERS="${AIRFLOW_API_WORKERS:-2}"
  export AIRFLOW__API__BASE_URL="http://127.0.0.1:$AIRFLOW_PORT"
  export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$AIRFLOW_PORT/execution/"
  AIRFLOW__API_AUTH__JWT_SECRET="$(secret_file "$AF3_HOME/.jwt_secret")"
  export AIRFLOW__API_AUTH__JWT_SECRET
  export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
  export AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=10
  export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False
  export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$AF3_HOME/logs"
  export MLFLOW_TRACKING_URI="http://127.0.0.1:$MLFLOW_PORT"
  # Passwords are pre-seeded because SimpleAuthManager otherwise generates random ones (field 2 above is the role).
  [ -f "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE" ] ||
    echo '{"admin": "admin", "viewer": "viewer", "operator": "operator"}' >"$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
}

mlflow_env() {
  mkdir -p "$MLFLOW_DIR/artifacts"
  # Webhooks to a local receiver need http, private IPs and a short cache (upstream-apis.md §3.6).
  export MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https
  export MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true
  export MLFLOW_WEBHOOK_CACHE_TTL=1
  # The GenAI job runner forks eight huey workers and doubles start-up time; nothing here uses it.
  export MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false
  if [ ! -s "$MLFLOW_DIR/.webhook_key" ]; then
    (umask 077; "$1/bin/python" -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())' \
      >"$MLFLOW_DIR/.webhook_key")
  fi
  MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY="$(cat "$MLFLOW_DIR/.webhook_key")"
  export MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY
}

af3_token() {
  curl -s --max-time 10 -X POST "http://127.0.0.1:$AIRFLOW_PORT/auth/token" \
    -H 'Content-Type: application/json' -d '{"username":"admin","password":"admin"}' |
    sed -n 's/.*"\(access_token\|jwt_token\)" *: *"\([^"]*\)".*/\2/p'
}

# Prints the names of the components the health endpoint does not yet call healthy.
af3_unhealthy() {
  local body
  body="$(curl -s --max-time 5 "http://127.0.0.1:$AIRFLOW_PORT/api/v2/monitor/health" || true)"
  [ -n "$body" ] || { echo "api-server"; return; }
  "$1/bin/python" - "$body" <<'PY'
import json, sys
try:
    h = json.loads(sys.argv[1])
except ValueError:
    print("api-server"); sys.exit()
bad = [k for k in ("metadatabase", "scheduler", "dag_processor") if (h.get(k) or {}).get("status") != "healthy"]
print(" ".join(bad))
PY
}

af3_dag_ready() {
  local token code
  token="$(af3_token)"
  [ -n "$token" ] || return 1
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$AIRFLOW_PORT/api/v2/dags/ml_pipeline_end_to_end")"
  [ "$code" = 200 ]
}

mlflow_ready() { [ "$(curl -s --max-time 3 "http://127.0.0.1:$MLFLOW_PORT/health" || true)" = OK ]; }

start_mlflow() {
  local venv="$1"
  if alive mlflow; then return 0; fi
  port_free_or_ours "$MLFLOW_PORT" "MLflow"
  mlflow_env "$venv"
  spawn mlflow "$venv/bin/mlflow" server \
    --backend-store-uri "sqlite:///$MLFLOW_DIR/mlflow.db" \
    --default-artifact-root mlflow-artifacts:/ --artifacts-destination "$MLFLOW_DIR/artifacts" \
    --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1
}

start_airflow3() {
  local venv="$1" p need=0 start
  for p in $AF3_PROCS; do alive "af3-$p" || need=1; done
  [ "$need" = 1 ] || return 0
  af3_env
  export PATH="$venv/bin:$PATH"
  if ! alive af3-api-server; then port_free_or_ours "$AIRFLOW_PORT" "Airflow 3"; fi
  # Migrating and reserializing cost ~30 s on two cores; a DB already migrated by this venv needs neither,
  # because the dag-processor picks up DAG changes within seconds.
  local stamp="$AF3_HOME/.migrated-by"
  if [ -f "$AF3_HOME/airflow.db" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$venv" ]; then
    log "airflow db: already migrated by this venv"
  else
    start=$(now)
    "$venv/bin/airflow" db migrate >>"$LOGS/af3-migrate.log" 2>&1 ||
      { tail -n 30 "$LOGS/af3-migrate.log" >&2; die "airflow db migrate failed"; }
    log "airflow db migrate: $(($(now) - start))s"
    start=$(now)
    # Writes every DAG to the DB at once instead of waiting for the dag-processor's first pass.
    "$venv/bin/airflow" dags reserialize >>"$LOGS/af3-migrate.log" 2>&1 ||
      log "warning: airflow dags reserialize failed (see $LOGS/af3-migrate.log); the dag-processor will retry"
    log "airflow dags reserialize: $(($(now) - start))s"
    echo "$venv" >"$stamp"
  fi
  for p in $AF3_PROCS; do
    if [ "$p" = api-server ]; then
      spawn "af3-$p" "$venv/bin/airflow" api-server --host 127.0.0.1 --port "$AIRFLOW_PORT" --workers "$AIRFLOW__API__WORKERS"
    else
      spawn "af3-$p" "$venv/bin/airflow" "$p"
    fi
  done
}

wait_ready() {
  local af_venv="$1" deadline bad last=""
  deadline=$(($(now) + UP_TIMEOUT))
  while :; do
    check_alive mlflow af3-api-server af3-scheduler af3-dag-processor af3-triggerer
    bad=""
    mlflow_ready || bad="mlflow"
    local unhealthy; unhealthy="$(af3_unhealthy "$af_venv")"
    [ -z "$unhealthy" ] || bad="$bad airflow:${unhealthy// /,}"
    if [ -z "$bad" ]; then
      af3_dag_ready && return 0
      bad="airflow:dag ml_pipeline_end_to_end not served yet"
    fi
    [ "$bad" = "$last" ] || { log "waiting for: $bad"; last="$bad"; }
    [ "$(now)" -lt "$deadline" ] || die "not ready after ${UP_TIMEOUT}s: $bad (logs in $LOGS/)"
    sleep 2
  done
}

cmd_up() {
  local t0 af_venv ml_venv
  t0=$(now)
  mkdir -p "$LOGS" "$PIDS"
  local p af_dir ml_dir
  af_dir="$(venv_dir airflow3)"
  ml_dir="$(venv_dir mlflow)"
  if runs_from mlflow "$ml_dir" && runs_from af3-api-server "$af_dir" && runs_from af3-scheduler "$af_dir" &&
    runs_from af3-dag-processor "$af_dir" && runs_from af3-triggerer "$af_dir" &&
    reads_dag_folder af3-dag-processor && reads_dag_folder af3-scheduler &&
    mlflow_ready && [ -z "$(af3_unhealthy "$af_dir")" ]; then
    log "already up and healthy: Airflow 3 http://127.0.0.1:$AIRFLOW_PORT, MLflow http://127.0.0.1:$MLFLOW_PORT"
    return 0
  fi
  ml_venv="$(ensure_venv mlflow)"
  af_venv="$(ensure_venv airflow3)"
  # A lock changed since these were started: restart them on the new venv.
  if alive mlflow && ! runs_from mlflow "$ml_venv"; then log "mlflow lock changed; restarting"; stop mlflow; fi
  for p in $AF3_PROCS; do
    if alive "af3-$p" && { ! runs_from "af3-$p" "$af_venv" || ! reads_dag_folder "af3-$p"; }; then
      log "airflow3 lock or DAG folder changed; restarting"
      for p in $AF3_PROCS; do stop "af3-$p"; done
      break
    fi
  done
  start_mlflow "$ml_venv"
  start_airflow3 "$af_venv"
  wait_ready "$af_venv"
  log "ready in $(($(now) - t0))s: Airflow 3 http://127.0.0.1:$AIRFLOW_PORT (admin/admin), MLflow http://127.0.0.1:$MLFLOW_PORT"
}

cmd_down() {
  local p names=""
  for p in $AF3_PROCS; do names="$names af3-$p"; done
  # shellcheck disable=SC2086
  stop $names mlflow
  log "Airflow 3 and MLflow stopped"
}

status_line() {
  local name="$1" port="${2:-}" pid="-" state="stopped" answers=""
  [ -f "$(pidfile "$name")" ] && pid="$(cat "$(pidfile "$name")")"
  alive "$name" && state="alive"
  if [ -n "$port" ]; then
    if port_answers "$port"; then answers="port $port answers"; else answers="port $port silent"; fi
  fi
  printf '%-20s pid=%-8s %-8s %s\n' "$name" "$pid" "$state" "$answers"
}

# Exit status 0 only when Airflow 3 and MLflow are all alive (Airflow 2 is reported but optional).
cmd_status() {
  local p rc=0
  for p in $AF3_PROCS; do
    if [ "$p" = api-server ]; then status_line "af3-$p" "$AIRFLOW_PORT"; else status_line "af3-$p"; fi
    alive "af3-$p" || rc=1
  done
  status_line mlflow "$MLFLOW_PORT"
  alive mlflow || rc=1
  if [ -f "$(pidfile af2-webserver)" ] || [ -f "$(pidfile af2-scheduler)" ]; then
    status_line af2-webserver "$AIRFLOW2_PORT"
    status_line af2-scheduler
  fi
  return "$rc"
}

af2_env() {
  mkdir -p "$AF2_HOME"
  export AIRFLOW_HOME="$AF2_HOME"
  AIRFLOW__CORE__DAGS_FOLDER="$(dag_folder)"
  export AIRFLOW__CORE__DAGS_FOLDER
  export AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False
  export AIRFLOW__CORE__EXECUTOR=SequentialExecutor
  export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AF2_HOME/airflow.db"
  export AIRFLOW__WEBSERVER__WEB_SERVER_HOST=127.0.0.1
  export AIRFLOW__WEBSERVER__WEB_SERVER_PORT="$AIRFLOW2_PORT"
  export AIRFLOW__WEBSERVER__WORKERS=1
  export AIRFLOW__WEBSERVER__BASE_URL="http://127.0.0.1:$AIRFLOW2_PORT"
  AIRFLOW__WEBSERVER__SECRET_KEY="$(secret_file "$AF2_HOME/.secret_key")"
  export AIRFLOW__WEBSERVER__SECRET_KEY
  export AIRFLOW__API__AUTH_BACKENDS="airflow.providers.fab.auth_manager.api.auth.backend.basic_auth,airflow.api.auth.backend.session"
  export AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL=5
  export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=10
  export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$AF2_HOME/logs"
  export MLFLOW_TRACKING_URI="http://127.0.0.1:$MLFLOW_PORT"
}

cmd_up_airflow2() {
  local t0 venv deadline
  t0=$(now)
  mkdir -p "$LOGS" "$PIDS"
  if alive af2-scheduler && ! reads_dag_folder af2-scheduler; then
    log "Airflow 2 DAG folder changed; restarting"
    stop af2-webserver af2-scheduler
  fi
  if alive af2-webserver && alive af2-scheduler &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u admin:admin \
      "http://127.0.0.1:$AIRFLOW2_PORT/api/v1/dags/chatops_smoke")" = 200 ]; then
    log "Airflow 2 already up and healthy on http://127.0.0.1:$AIRFLOW2_PORT"
    return 0
  fi
  venv="$(ensure_venv airflow2)"
  af2_env
  # SequentialExecutor runs each task as a bare `airflow tasks run` command.
  export PATH="$venv/bin:$PATH"
  if ! alive af2-webserver; then port_free_or_ours "$AIRFLOW2_PORT" "Airflow 2"; fi
  if ! alive af2-webserver || ! alive af2-scheduler; then
    "$venv/bin/airflow" db migrate >>"$LOGS/af2-migrate.log" 2>&1 ||
      { tail -n 30 "$LOGS/af2-migrate.log" >&2; die "airflow 2 db migrate failed"; }
    "$venv/bin/airflow" users create --username admin --password admin --role Admin --firstname Chat \
      --lastname Ops --email admin@example.invalid >>"$LOGS/af2-migrate.log" 2>&1 || true
    log "Airflow 2 db migrate + admin user: $(($(now) - t0))s"
    spawn af2-scheduler "$venv/bin/airflow" scheduler
    spawn af2-webserver "$venv/bin/airflow" webserver --hostname 127.0.0.1 --port "$AIRFLOW2_PORT" --workers 1
  fi
  deadline=$(($(now) + UP_TIMEOUT))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u admin:admin \
    "http://127.0.0.1:$AIRFLOW2_PORT/api/v1/dags/chatops_smoke")" = 200 ]; do
    check_alive af2-webserver af2-scheduler
    [ "$(now)" -lt "$deadline" ] || die "Airflow 2 not ready after ${UP_TIMEOUT}s (logs in $LOGS/af2-*.log)"
    sleep 2
  done
  log "Airflow 2 ready in $(($(now) - t0))s: http://127.0.0.1:$AIRFLOW2_PORT (Basic admin/admin)"
}

cmd_env() {
  local which="${1:-airflow3}" venv
  venv="$(venv_dir "$which")"
  case "$which" in
    airflow3) af3_env ;;
    airflow2) af2_env ;;
    *) die "env takes airflow3 or airflow2" ;;
  esac
  echo "export PATH=\"$venv/bin:\$PATH\""
  local var
  for var in $(compgen -e | grep -E '^(AIRFLOW_HOME|AIRFLOW__[A-Z0-9_]+|MLFLOW_TRACKING_URI)$' | sort); do
    printf 'export %s=%q\n' "$var" "${!var}"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  up-airflow2) cmd_up_airflow2 ;;
  down-airflow2) stop af2-webserver af2-scheduler; log "Airflow 2 stopped" ;;
  venv-path)
    mkdir -p "$LOGS"
    [ -n "${2:-}" ] || die "venv-path takes airflow3, mlflow or airflow2"
    ensure_venv "$2"
    ;;
  env) mkdir -p "$LOGS"; shift; cmd_env "$@" ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
