#!/usr/bin/env bash
# The compose stack (docker-compose-mlops.yml) on a Docker engine: build, start, wait until healthy, stop.
#
#   compose.sh up                   build what changed, start, wait until every service is healthy, print the URLs
#   compose.sh build                only build what changed (CI starts it early, at low priority)
#   compose.sh down [--volumes]     stop and remove the containers (--volumes also wipes Postgres, S3 and bot state)
#   compose.sh env                  print `export ...` lines that point docker and docker-compose at the stack
#   compose.sh status               each service's state and health; exit 0 only when all are healthy
#   compose.sh secrets              print fresh values for every secret .env.example marks change-me
#
# Engine: DOCKER_HOST when it answers, else the default socket, else the project's private engine
# (scripts/docker-engine.sh, needs root). An engine without bridge networking (the private one) runs the stack on
# the host network, generated from the compose file by scripts/compose-hostnet.py with every listener on 127.0.0.1,
# and on stand-in base images built from Debian packages (scripts/standin-images.sh); pip then installs from a wheel
# cache on this machine. Images carry the hash of their inputs and are only rebuilt when it changes.
#
# Environment: MLOPS_ENV_FILE (.env; created from .env.example with fresh secrets when missing), COMPOSE_PROJECT_NAME
# (from that file, default mlops), HOSTNET_PORT_OFFSET (0: added to every port of the host-network variant),
# MLOPS_UP_TIMEOUT (900 s), MLOPS_CACHE (~/.cache/mlops-bot), MLOPS_STATE_DIR (<repo>/.mlops).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="$REPO/docker-compose-mlops.yml"
STATE="${MLOPS_STATE_DIR:-$REPO/.mlops}"
CACHE="${MLOPS_CACHE:-$HOME/.cache/mlops-bot}"
ENV_FILE="${MLOPS_ENV_FILE:-$REPO/.env}"
UP_TIMEOUT="${MLOPS_UP_TIMEOUT:-900}"
OFFSET="${HOSTNET_PORT_OFFSET:-0}"
LABEL=org.mlops-bot.inputs
LOGS="$STATE/logs"

log() { printf '[compose %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

answers() { DOCKER_HOST="$1" docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

# Sets DOCKER_HOST to the engine the stack runs on, starting the private one when nothing else answers.
pick_engine() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    answers "$DOCKER_HOST" || die "DOCKER_HOST=$DOCKER_HOST does not answer"
  elif answers unix:///var/run/docker.sock; then
    export DOCKER_HOST=unix:///var/run/docker.sock
  else
    log "no Docker engine answers: starting the project's private engine (scripts/docker-engine.sh)"
    bash "$REPO/scripts/docker-engine.sh" up >&2
    eval "$(bash "$REPO/scripts/docker-engine.sh" env)"
  fi
  export DOCKER_HOST
}

# The private engine runs with --bridge=none: no bridge network means host networking and no registry.
hostnet() { ! docker network inspect bridge >/dev/null 2>&1; }

dc() {
  if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}

# A KEY=value line of the env file (the last one wins, as for compose), or $2.
env_value() {
  local v
  v="$(sed -n "s/^$1=//p" "$ENV_FILE" 2>/dev/null | tail -n 1)"
  echo "${v:-${2:-}}"
}

project() { echo "${COMPOSE_PROJECT_NAME:-$(env_value COMPOSE_PROJECT_NAME mlops)}"; }

random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# One fresh value per secret: hex for those that end up in URLs, a Fernet key (url-safe base64 of 32 bytes) for Airflow.
cmd_secrets() {
  local key
  for key in $(sed -n 's/^\([A-Z0-9_]*\)=change-me$/\1/p' "$REPO/.env.example"); do
    if [ "$key" = AIRFLOW_FERNET_KEY ]; then
      echo "$key=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')"
    else
      echo "$key=$(random_hex 24)"
    fi
  done
}

# Creates .env from .env.example with fresh secrets on first use; refuses one that still has placeholders.
ensure_env_file() {
  if [ ! -f "$ENV_FILE" ]; then
    (
      umask 077
      local secrets
      # The Airflow password too: admin/admin is the local stack's laptop default, not a deployment's.
      secrets="$(cmd_secrets; echo "AIRFLOW_PASSWORD=$(random_hex 12)")"
      awk -v s="$secrets" 'BEGIN { n = split(s, l, "\n"); for (i = 1; i <= n; i++) { k = l[i]; sub(/=.*/, "", k); v[k] = l[i] } }
        /=change-me$/ || /^AIRFLOW_PASSWORD=admin$/ { k = $0; sub(/=.*/, "", k); if (k in v) { print v[k]; next } } { print }' \
        "$REPO/.env.example" >"$ENV_FILE"
    )
    log "wrote $ENV_FILE from .env.example with fresh secrets (the Airflow login is AIRFLOW_USERNAME / AIRFLOW_PASSWORD there)"
  fi
  if grep -q '=change-me$' "$ENV_FILE"; then
    die "$ENV_FILE still has change-me placeholders: $(sed -n 's/^\([A-Z0-9_]*\)=change-me$/\1/p' "$ENV_FILE" | tr '\n' ' ')(compose.sh secrets prints values)"
  fi
}

config_json() {
  MLOPS_ENV_FILE="$ENV_FILE" dc -f "$FILE" --env-file "$ENV_FILE" config |
    python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'
}

# Builds every wheel of the Python locks into one cache folder, marked complete per hash of the locks; wheels already
# there are reused (--find-links), so a changed lock only downloads what is new. Prints the folder.
wheel_cache() {
  local locks=("$REPO"/scripts/python/airflow3.lock.txt "$REPO"/scripts/python/mlflow.lock.txt
    "$REPO"/docker/airflow/postgres.lock.txt "$REPO"/docker/mlflow/server-extras.lock.txt)
  local sha dir t0
  sha="$(cat "${locks[@]}" | sha256sum | cut -c1-16)"
  dir="$CACHE/wheels"
  if [ -f "$dir/.complete-$sha" ]; then echo "$dir"; return 0; fi
  t0=$(now)
  mkdir -p "$dir"
  log "wheels: downloading the locks' wheels into $dir (first time takes minutes)"
  local py
  py="$(command -v python3.11 || command -v python3)"
  local pip=("$py" -m pip wheel --quiet --no-deps --disable-pip-version-check --find-links "$dir" -w "$dir")
  local pair
  : >"$LOGS/wheels.log"
  for pair in "0 2" "1 3"; do
    set -- $pair
    # Offline first: after a lock change most wheels are already here, and asking the index about each costs a second.
    "${pip[@]}" --no-index -r "${locks[$1]}" -r "${locks[$2]}" >>"$LOGS/wheels.log" 2>&1 && continue
    "${pip[@]}" -r "${locks[$1]}" -r "${locks[$2]}" >>"$LOGS/wheels.log" 2>&1 || {
      tail -n 20 "$LOGS/wheels.log" >&2
      die "pip wheel failed (log: $LOGS/wheels.log)"
    }
  done
  touch "$dir/.complete-$sha"
  log "wheels: ready in $(($(now) - t0)) s"
  echo "$dir"
}

WHEEL_PID=""
WHEEL_URL=""
stop_wheel_server() {
  [ -z "$WHEEL_PID" ] || kill "$WHEEL_PID" 2>/dev/null || true
  WHEEL_PID=""
}

# Serves the wheel cache on a loopback port for `docker build --network host`; sets WHEEL_URL (not in a subshell:
# the server must stay ours to stop).
start_wheel_server() {
  local dir="$1" portfile
  portfile="$(mktemp)"
  python3 - "$dir" "$portfile" >>"$LOGS/wheel-server.log" 2>&1 <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
  WHEEL_PID=$!
  trap stop_wheel_server EXIT
  local i
  for i in $(seq 1 50); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || die "the wheel server did not start (log: $LOGS/wheel-server.log)"
  WHEEL_URL="http://127.0.0.1:$(cat "$portfile")/"
  rm -f "$portfile"
}

label_of() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

# Builds each image of the config whose input hash differs from its label. One build at a time per machine: a second
# caller waits, then finds the images it wanted already built.
build_images() {
  local config="$1" plans line image hash dockerfile context t0 pip_opts="" wheels
  mkdir -p "$CACHE"
  exec 8>"$CACHE/compose-build.lock"
  flock 8
  plans="$(python3 "$REPO/scripts/compose-builds.py" --ignore-arg PIP_INSTALL_OPTIONS <"$config")"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    image="$(jq_get "$line" image)"
    hash="$(jq_get "$line" hash)"
    if [ "$(label_of "$image")" = "$hash" ]; then
      log "$image: up to date"
      continue
    fi
    dockerfile="$(jq_get "$line" dockerfile)"
    context="$(jq_get "$line" context)"
    local build=(docker build -f "$dockerfile" -t "$image" --label "$LABEL=$hash")
    local arg
    while IFS= read -r arg; do [ -z "$arg" ] || build+=(--build-arg "$arg"); done < <(
      python3 -c 'import json, sys; [print(f"{k}={v}") for k, v in json.loads(sys.argv[1])["args"].items()]' "$line"
    )
    if hostnet; then
      # No bridge network: build steps share the host's network, and pip reads the local wheel cache.
      if [ -z "$WHEEL_PID" ]; then
        wheels="$(wheel_cache)"
        start_wheel_server "$wheels"
        pip_opts="--no-index --find-links $WHEEL_URL"
      fi
      build=(env DOCKER_BUILDKIT=0 "${build[@]}" --network host --build-arg "PIP_INSTALL_OPTIONS=$pip_opts")
    fi
    t0=$(now)
    log "$image: building ($(basename "$dockerfile"), inputs $hash)"
    if ! "${build[@]}" "$context" >"$LOGS/build-${image//[:\/]/_}.log" 2>&1; then
      tail -n 30 "$LOGS/build-${image//[:\/]/_}.log" >&2
      die "building $image failed (log: $LOGS/build-${image//[:\/]/_}.log)"
    fi
    log "$image: built in $(($(now) - t0)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%d MB", $1 / 1e6 }'))"
  done <<<"$plans"
  stop_wheel_server
  flock -u 8
}

jq_get() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

stack_file() { echo "$STATE/compose/$(project).hostnet.json"; }

# Resolves the compose file for this engine: the file itself, or its host-network variant.
prepare() {
  mkdir -p "$LOGS" "$STATE/compose"
  pick_engine
  ensure_env_file
  # The bot mounts the socket of the engine it runs on, with that socket's group (shell variables win over .env).
  if [[ "$DOCKER_HOST" == unix://* ]]; then
    export DOCKER_SOCKET="${DOCKER_HOST#unix://}"
    DOCKER_GID="$(stat -c %g "$DOCKER_SOCKET")"
    export DOCKER_GID
  fi
  if hostnet; then
    log "engine $DOCKER_HOST has no bridge network: host networking, stand-in base images"
    mkdir -p "$CACHE"
    flock "$CACHE/compose-build.lock" bash "$REPO/scripts/standin-images.sh" build
    # Shell variables win over .env in compose's interpolation.
    set -a
    eval "$(bash "$REPO/scripts/standin-images.sh" env)"
    set +a
  fi
  config_json >"$STATE/compose/$(project).config.json"
  if hostnet; then
    python3 "$REPO/scripts/compose-hostnet.py" --offset "$OFFSET" \
      --profiles "${COMPOSE_PROFILES-$(env_value COMPOSE_PROFILES)}" \
      <"$STATE/compose/$(project).config.json" >"$(stack_file)"
    COMPOSE_ARGS=(-p "$(project)" -f "$(stack_file)")
  else
    COMPOSE_ARGS=(-p "$(project)" -f "$FILE" --env-file "$ENV_FILE")
  fi
}

# service<TAB>state<TAB>health<TAB>exit code, one line per container of the project.
states() {
  local ids
  ids="$(docker ps -aq --filter "label=com.docker.compose.project=$(project)")"
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086
  docker inspect -f '{{ index .Config.Labels "com.docker.compose.service" }}	{{ .State.Status }}	{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}none{{ end }}	{{ .State.ExitCode }}	{{ .HostConfig.RestartPolicy.Name }}' $ids | sort
}

# Prints what is not yet ready: a one-shot must have exited 0, everything else must run and be healthy.
not_ready() {
  states | awk -F'\t' '
    $5 == "no" || $5 == "" { if ($2 != "exited" || $4 != 0) print $1 "(" $2 ($2 == "exited" ? " " $4 : "") ")"; next }
    $2 != "running" || ($3 != "healthy" && $3 != "none") { print $1 "(" $2 "/" $3 ")" }' | tr '\n' ' '
}

failed() {
  states | awk -F'\t' '($5 == "no" || $5 == "") && $2 == "exited" && $4 != 0 { print $1 }
    $3 == "unhealthy" { print $1 }' | sort -u
}

wait_healthy() {
  local deadline bad last="" svc
  deadline=$(($(now) + UP_TIMEOUT))
  while :; do
    bad="$(not_ready)"
    [ -n "$bad" ] || return 0
    for svc in $(failed); do
      log "$svc failed; its last log lines:"
      dc "${COMPOSE_ARGS[@]}" logs --no-color --tail 30 "$svc" >&2 || true
      die "$svc did not come up"
    done
    [ "$bad" = "$last" ] || { log "waiting for: $bad"; last="$bad"; }
    [ "$(now)" -lt "$deadline" ] || die "not healthy after ${UP_TIMEOUT}s: $bad"
    sleep 3
  done
}

print_urls() {
  local config="$STATE/compose/$(project).config.json" file
  file="$([ -f "$(stack_file)" ] && hostnet && stack_file || echo "$config")"
  python3 - "$file" <<'PY'
import json, sys
services = json.load(open(sys.argv[1]))["services"]
def port(name, inner):
    s = services.get(name) or {}
    env = s.get("environment") or {}
    if s.get("network_mode") == "host":
        return {"airflow-apiserver": env.get("AIRFLOW__API__PORT"), "mlflow": env.get("MLFLOW_PORT"),
                "bot": env.get("PORT"), "postgres": env.get("PGPORT")}.get(name) or next(
            (a.split("=")[1] for a in s.get("command") or [] if a.startswith("-s3.port=")), None)
    for p in s.get("ports") or []:
        parts = str(p).split("/")[0].split(":")
        if int(parts[-1]) == inner:
            return parts[-2]
    return None
rows = [("Airflow UI/API", "airflow-apiserver", 8080, "http"), ("MLflow", "mlflow", 5000, "http"),
        ("bot (healthz, Slack HTTP, webhooks)", "bot", 3000, "http"), ("S3 (SeaweedFS)", "seaweedfs", 8333, "http"),
        ("Postgres", "postgres", 5432, "postgresql")]
for label, name, inner, scheme in rows:
    p = port(name, inner)
    if p:
        print(f"  {label:38} {scheme}://127.0.0.1:{p}")
PY
}

# On the host network a port taken by something else (the local no-Docker stack on 8082 and 5000, say) would only show
# as a service that never gets healthy: refuse before starting, unless the project already runs.
check_ports_free() {
  local p taken=""
  [ -z "$(docker ps -q --filter "label=com.docker.compose.project=$(project)")" ] || return 0
  for p in $(python3 -c 'import json, sys; print(*json.load(open(sys.argv[1]))["x-listen-ports"])' "$(stack_file)"); do
    [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || taken="$taken $p"
  done
  [ -z "$taken" ] || die "port(s)$taken already in use on this host: stop what listens there, or move the stack with HOSTNET_PORT_OFFSET=10000 (or the *_PORT settings in .env)"
}

cmd_up() {
  local t0 config
  t0=$(now)
  prepare
  if hostnet; then check_ports_free; fi
  config="$STATE/compose/$(project).config.json"
  build_images "$config"
  log "starting compose project $(project)"
  dc "${COMPOSE_ARGS[@]}" up -d --no-build --remove-orphans >"$LOGS/compose-up.log" 2>&1 || {
    tail -n 30 "$LOGS/compose-up.log" >&2
    die "docker-compose up failed (log: $LOGS/compose-up.log)"
  }
  wait_healthy
  log "every service is healthy after $(($(now) - t0)) s:"
  print_urls >&2
  log "docker-compose commands: eval \"\$(npm run --silent compose:env)\" first"
}

cmd_down() {
  local extra=()
  [ "${1:-}" = --volumes ] && extra+=(--volumes)
  pick_engine
  local file
  file="$(stack_file)"
  if hostnet && [ -f "$file" ]; then
    dc -p "$(project)" -f "$file" down --remove-orphans "${extra[@]}"
  else
    # Stopping needs no settings: without .env an empty file stands in for it.
    local env="$ENV_FILE"
    [ -f "$env" ] || env=/dev/null
    MLOPS_ENV_FILE="$env" dc -p "$(project)" -f "$FILE" --env-file "$env" down --remove-orphans "${extra[@]}"
  fi
  log "compose project $(project) stopped${extra[*]:+ and its volumes removed}"
}

cmd_env() {
  if [ -n "${DOCKER_HOST:-}" ] && answers "$DOCKER_HOST"; then
    :
  elif answers unix:///var/run/docker.sock; then
    DOCKER_HOST=unix:///var/run/docker.sock
  else
    eval "$(bash "$REPO/scripts/docker-engine.sh" env)"
  fi
  echo "export DOCKER_HOST=$DOCKER_HOST"
  echo "export COMPOSE_PROJECT_NAME=$(project)"
  if DOCKER_HOST="$DOCKER_HOST" hostnet 2>/dev/null && [ -f "$(stack_file)" ]; then
    echo "export COMPOSE_FILE=$(stack_file)"
  else
    echo "export COMPOSE_FILE=$FILE"
  fi
}

cmd_status() {
  pick_engine
  local bad
  states | awk -F'\t' '{ printf "%-24s %-9s %-10s %s\n", $1, $2, $3, ($2 == "exited" ? "exit " $4 : "") }'
  bad="$(not_ready)"
  [ -z "$bad" ] || { echo "not ready: $bad"; return 3; }
}

main() {
  case "${1:-}" in
  up) cmd_up ;;
  build)
    prepare
    build_images "$STATE/compose/$(project).config.json"
    ;;
  down) shift; cmd_down "$@" ;;
  env) cmd_env ;;
  status) cmd_status ;;
  secrets) cmd_secrets ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
  esac
}

# One line: bash has read all of it before running it, so editing this file under a running `up` is harmless.
main "$@"; exit
