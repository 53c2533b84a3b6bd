#!/usr/bin/env bash
# A private Docker engine for tests and demos: its own short socket, data and pid file, no bridge and no iptables,
# so it never touches the host's networking or a system dockerd. Needs root and Debian's docker.io + busybox-static.
#
#   scripts/docker-engine.sh up        start (idempotent), wait for _ping, import local/busybox:test if missing
#   scripts/docker-engine.sh down      stop by the pid file only; add --purge to delete the data directory too
#   scripts/docker-engine.sh status    exit 0 when the engine answers, 3 when it does not
#   scripts/docker-engine.sh env       print `export DOCKER_HOST=unix://…` for eval
#
# MLOPS_DOCKER_DIR moves everything (default /tmp/mlops-docker). Keep it short: unix socket paths are limited to
# 108 bytes. BUSYBOX_IMAGE names the imported test image (default local/busybox:test). MLOPS_DOCKER_STORAGE picks the
# storage driver (default overlay2: vfs copies every layer for every image and container, 3.7 GB instead of 0.6 GB for
# one 500 MB image and three containers; vfs remains for a data root on a file system overlayfs cannot sit on).
set -euo pipefail

DIR="${MLOPS_DOCKER_DIR:-/tmp/mlops-docker}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/docker.pid"
LOG="$DIR/dockerd.log"
IMAGE="${BUSYBOX_IMAGE:-local/busybox:test}"
HOST="unix://$SOCK"
STORAGE="${MLOPS_DOCKER_STORAGE:-overlay2}"

say() { printf 'docker-engine: %s\n' "$*" >&2; }

ping_ok() {
  [ -S "$SOCK" ] && curl -sf -m 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

pid_alive() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  # A pid file left by a killed daemon may name a pid the system has since given to another process.
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--pidfile $PIDFILE"
}

dkr() { DOCKER_HOST="$HOST" docker "$@"; }

ensure_image() {
  if dkr image inspect "$IMAGE" >/dev/null 2>&1; then return 0; fi
  local bb root
  bb="$(command -v busybox || true)"
  [ -x /bin/busybox ] && bb=/bin/busybox
  if [ -z "$bb" ]; then
    say "busybox not found: apt-get install busybox-static"
    return 1
  fi
  root="$(mktemp -d)"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  # Every applet linked: exec-form healthchecks (["CMD","test",…]) need the binary on PATH.
  for a in $("$bb" --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | dkr import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
  rm -rf "$root"
  say "imported $IMAGE"
}

cmd_up() {
  local t0 i
  t0=$(date +%s%N)
  if ping_ok; then
    ensure_image
    say "already up on $HOST"
    return 0
  fi
  if ! pid_alive; then
    if [ "$(id -u)" != 0 ]; then
      say "dockerd needs root (run as root or via sudo)"
      return 1
    fi
    command -v dockerd >/dev/null || {
      say "dockerd not found: apt-get install docker.io busybox-static"
      return 1
    }
    mkdir -p "$DIR"
    rm -f "$SOCK" "$PIDFILE"
    # The three network flags keep dockerd from creating docker0 and nat/filter rules (which it would leave behind).
    # setsid + every fd on the log: the caller (a test's beforeAll) must not wait on, or own, the daemon.
    setsid dockerd \
      --iptables=false --ip6tables=false --bridge=none --storage-driver="$STORAGE" \
      --host "$HOST" --data-root "$DIR/root" --exec-root "$DIR/exec" --pidfile "$PIDFILE" \
      </dev/null >>"$LOG" 2>&1 &
  fi
  for i in $(seq 1 150); do
    ping_ok && break
    sleep 0.2
  done
  if ! ping_ok; then
    say "dockerd did not answer on $HOST within 30 s; last log lines:"
    tail -n 20 "$LOG" >&2 || true
    return 1
  fi
  ensure_image
  say "up on $HOST in $((($(date +%s%N) - t0) / 1000000)) ms"
}

cmd_down() {
  local pid i
  if pid_alive; then
    pid="$(cat "$PIDFILE")"
    kill -TERM "$pid"
    for i in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd (pid $pid) still running after 30 s"
      return 1
    fi
    say "stopped dockerd (pid $pid)"
  else
    say "not running"
  fi
  # An nsfs mount has been seen left over after dockerd exits; it would block removing the directory.
  umount "$DIR/exec/netns/default" 2>/dev/null || true
  rm -f "$PIDFILE" "$SOCK"
  if [ "${1:-}" = "--purge" ]; then
    rm -rf "$DIR"
    say "removed $DIR"
  fi
}

cmd_status() {
  if ping_ok; then
    local ver
    ver="$(curl -sf -m 2 --unix-socket "$SOCK" http://localhost/version | sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p')"
    echo "docker: up on $HOST (pid $(cat "$PIDFILE" 2>/dev/null || echo '?'), API $ver)"
    return 0
  fi
  if pid_alive; then
    echo "docker: pid $(cat "$PIDFILE") alive but not answering on $HOST"
  else
    echo "docker: down ($HOST)"
  fi
  return 3
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down "${2:-}" ;;
status) cmd_status ;;
env) echo "export DOCKER_HOST=$HOST" ;;
*)
  echo "usage: $0 up|down [--purge]|status|env" >&2
  exit 2
  ;;
esac
