#!/usr/bin/env bash
# Stand-ins for the upstream images the compose stack builds on or runs, for an engine that cannot pull from a
# registry (the private engine of scripts/docker-engine.sh): a Debian bookworm root file system bootstrapped from
# Debian's packages with mmdebstrap, then python, node, postgres, redis and seaweedfs images on top of it
# (docker/standins/*). Each image carries the hash of its inputs as a label and is rebuilt only when that changes.
#
#   standin-images.sh build [--rebuild]   build what is missing or stale (a few seconds when nothing changed)
#   standin-images.sh env                 print the compose variables that select them (PYTHON_BASE=..., ...)
#
# Needs root, mmdebstrap, Go (for weed) and DOCKER_HOST naming the engine. The machine's extra CA certificates
# (/usr/local/share/ca-certificates) are trusted inside these images only, so pip, npm and apt work behind its proxy;
# never publish them. MLOPS_CACHE (~/.cache/mlops-bot) keeps the weed binary and the Go module cache.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MLOPS_CACHE:-$HOME/.cache/mlops-bot}"
LOGS="${MLOPS_STATE_DIR:-$REPO/.mlops}/logs"
LABEL=org.mlops-bot.inputs
SUITE=bookworm
MIRRORS=(
  "deb http://deb.debian.org/debian $SUITE main"
  "deb http://deb.debian.org/debian $SUITE-updates main"
  "deb http://deb.debian.org/debian-security $SUITE-security main"
)
# SeaweedFS publishes no semver tags, so the module proxy serves pseudo-versions only: this one is the November 2026
# commit that `weed version` calls 4.53 (the compose file's default chrislusf/seaweedfs:4.53).
WEED_MODULE=github.com/seaweedfs/seaweedfs
WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6

DEBIAN_IMAGE=local/debian:bookworm-standin
PYTHON_IMAGE=local/python:3.11-slim-bookworm-standin
NODE_IMAGE=local/node:20-bookworm-slim-standin
POSTGRES_IMAGE=local/postgres:15-bookworm-standin
REDIS_IMAGE=local/redis:7-bookworm-standin
SEAWEEDFS_IMAGE=local/seaweedfs:standin

log() { printf '[standin %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s; }

REBUILD=0

label_of() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

# sha256 of the given strings and files (directories recursively, in a stable order), first 16 hex digits.
inputs_hash() {
  local a
  {
    for a in "$@"; do
      if [ -d "$a" ]; then
        (cd "$a" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
      elif [ -f "$a" ]; then
        sha256sum <"$a"
      else
        printf '%s\n' "$a"
      fi
    done
  } | sha256sum | cut -c1-16
}

fresh() { [ "$REBUILD" = 0 ] && [ "$(label_of "$1")" = "$2" ]; }

extra_cas() { find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' 2>/dev/null | LC_ALL=C sort; }

build_debian() {
  local hash t0 tar cas
  mapfile -t cas < <(extra_cas)
  hash="$(inputs_hash "mmdebstrap-apt-1" "${MIRRORS[@]}" ${cas[@]+"${cas[@]}"})"
  if fresh "$DEBIAN_IMAGE" "$hash"; then log "$DEBIAN_IMAGE: cached"; return 0; fi
  command -v mmdebstrap >/dev/null || die "mmdebstrap not found: apt-get install mmdebstrap"
  t0=$(now)
  tar="$(mktemp -d)/rootfs.tar"
  # Documentation, man pages and locales are left out, as in Debian's slim images.
  mmdebstrap --quiet --variant=apt --include=ca-certificates \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='mkdir -p "$1/usr/local/share/ca-certificates"' \
    --customize-hook='for f in /usr/local/share/ca-certificates/*.crt; do [ -f "$f" ] && cp "$f" "$1/usr/local/share/ca-certificates/"; done; chroot "$1" update-ca-certificates >/dev/null' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$SUITE" "$tar" "${MIRRORS[@]}" >&2
  # Node reads its own CA list unless told otherwise; the local CAs above live in the system bundle.
  docker import -c 'ENV LANG=C.UTF-8' -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    -c 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' -c "LABEL $LABEL=$hash" -c 'CMD ["bash"]' \
    "$tar" "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$(dirname "$tar")"
  log "$DEBIAN_IMAGE: bootstrapped and imported in $(($(now) - t0)) s"
}

base_id() { docker image inspect -f '{{ .Id }}' "$DEBIAN_IMAGE"; }

# build <image> <hash> <context dir>
build() {
  local image="$1" hash="$2" ctx="$3" t0
  t0=$(now)
  # The private engine has no bridge network: build steps use the host's (apt and the Debian mirror only here).
  if ! DOCKER_BUILDKIT=0 docker build --network host --build-arg "DEBIAN_BASE=$DEBIAN_IMAGE" \
    --label "$LABEL=$hash" -t "$image" "$ctx" >"$LOGS/build-${image//[:\/]/_}.log" 2>&1; then
    tail -n 30 "$LOGS/build-${image//[:\/]/_}.log" >&2
    die "docker build of $image failed"
  fi
  log "$image: built in $(($(now) - t0)) s"
}

build_from_dir() {
  local image="$1" dir="$REPO/docker/standins/$2" hash
  hash="$(inputs_hash "$(base_id)" "$dir")"
  if fresh "$image" "$hash"; then log "$image: cached"; return 0; fi
  build "$image" "$hash" "$dir"
}

build_node() {
  local node dir hash ctx npm_dir
  node="$(readlink -f "$(command -v node)")"
  dir="$(dirname "$node")/.."
  npm_dir="$dir/lib/node_modules/npm"
  [ "$("$node" -p 'process.versions.node.split(".")[0]')" = 20 ] || die "this machine's node is not Node 20"
  [ -d "$dir/include/node" ] && [ -d "$npm_dir" ] || die "Node headers or npm not found next to $node"
  hash="$(inputs_hash "$(base_id)" "$REPO/docker/standins/node" "$node" "$(cat "$npm_dir/package.json")")"
  if fresh "$NODE_IMAGE" "$hash"; then log "$NODE_IMAGE: cached"; return 0; fi
  ctx="$(mktemp -d)"
  cp "$REPO/docker/standins/node/Dockerfile" "$ctx/"
  cp "$node" "$ctx/node"
  cp -a "$dir/include/node" "$ctx/include"
  cp -a "$npm_dir" "$ctx/npm"
  build "$NODE_IMAGE" "$hash" "$ctx"
  rm -rf "$ctx"
}

# Prints the path of a weed binary built from the module proxy, building it once per version. The Go module and build
# caches it needs (about 4 GB) are removed afterwards: only the binary is kept.
weed_binary() {
  local bin="$CACHE/bin/weed-$WEED_VERSION" src t0 gomod gotmp
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  command -v go >/dev/null || die "go not found: SeaweedFS is built from the Go module proxy"
  t0=$(now)
  gotmp="$CACHE/go-build-tmp"
  mkdir -p "$CACHE/bin" "$gotmp"
  export GOMODCACHE="$gotmp/mod" GOCACHE="$gotmp/cache" GOFLAGS=-mod=mod CGO_ENABLED=0
  # `go install module@version` refuses modules with replace directives: build the module as the main module.
  gomod="$(go mod download -json "$WEED_MODULE@$WEED_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$gomod" ] || die "go mod download $WEED_MODULE@$WEED_VERSION failed"
  src="$(mktemp -d)"
  cp -r "$gomod/." "$src/"
  chmod -R u+w "$src"
  log "weed: building $WEED_VERSION (first time takes minutes)"
  (cd "$src" && go build -trimpath -ldflags='-s -w' -o "$bin.tmp" ./weed) >&2
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  # Module files are read-only by design.
  chmod -R u+w "$gotmp" && rm -rf "$gotmp"
  log "weed: built in $(($(now) - t0)) s"
  echo "$bin"
}

build_seaweedfs() {
  local hash weed ctx
  hash="$(inputs_hash "$(base_id)" "$REPO/docker/standins/seaweedfs" "$WEED_VERSION")"
  if fresh "$SEAWEEDFS_IMAGE" "$hash"; then log "$SEAWEEDFS_IMAGE: cached"; return 0; fi
  weed="$(weed_binary)"
  ctx="$(mktemp -d)"
  cp "$REPO/docker/standins/seaweedfs/Dockerfile" "$ctx/"
  cp "$weed" "$ctx/weed"
  build "$SEAWEEDFS_IMAGE" "$hash" "$ctx"
  rm -rf "$ctx"
}

cmd_build() {
  local t0
  t0=$(now)
  [ -n "${DOCKER_HOST:-}" ] || die "set DOCKER_HOST to the engine (scripts/docker-engine.sh env)"
  mkdir -p "$LOGS"
  build_debian
  build_from_dir "$PYTHON_IMAGE" python
  build_node
  build_from_dir "$POSTGRES_IMAGE" postgres
  build_from_dir "$REDIS_IMAGE" redis
  build_seaweedfs
  log "stand-in images ready in $(($(now) - t0)) s"
}

cmd_env() {
  cat <<EOF
PYTHON_BASE=$PYTHON_IMAGE
NODE_BASE=$NODE_IMAGE
POSTGRES_IMAGE=$POSTGRES_IMAGE
REDIS_IMAGE=$REDIS_IMAGE
S3_IMAGE=$SEAWEEDFS_IMAGE
EOF
}

main() {
  case "${1:-}" in
  build)
    [ "${2:-}" = --rebuild ] && REBUILD=1
    cmd_build
    ;;
  env) cmd_env ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
  esac
}

# One line: bash has read all of it before running it, so editing this file under a running build is harmless.
main "$@"; exit
