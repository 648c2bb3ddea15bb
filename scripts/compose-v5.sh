#!/usr/bin/env bash
# Usage: scripts/compose-v5.sh [--print-path]
#
# Docker Compose v5, the reference prenv is compared with (the differential oracle in
# test/unit/compose-reference.test.ts, the anchor of `npm run bench`), built from the Go module
# proxy, since release binaries are not downloaded here:
#   go mod download github.com/docker/compose/v5@$COMPOSE_VERSION
#   go build ./cmd inside the downloaded module
# (`go install module@version` refuses this module: its go.mod has exclude directives; v5.7.x
# needs a module the proxy refuses, hence v5.6.0.)
# The binary is cached in $COMPOSE_CACHE/<version>/docker-compose (built once, ~90 s on 2 cores;
# the .complete stamp marks a finished build) and installed as the Docker CLI plugin
# ~/.docker/cli-plugins/docker-compose, so `docker compose ...` runs it. Then checks that
# `docker compose version` answers. Build output goes to /var/log/prenv-compose-build.log.
# --print-path: only print the cached binary's path when it is built (exit 1 when not).
set -euo pipefail
exec </dev/null

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

COMPOSE_VERSION=${PRENV_COMPOSE_VERSION:-v5.6.0}
COMPOSE_CACHE=${PRENV_COMPOSE_CACHE:-/var/cache/prenv-compose}
BUILD_LOG=${PRENV_COMPOSE_LOG:-/var/log/prenv-compose-build.log}
dir=$COMPOSE_CACHE/$COMPOSE_VERSION
bin=$dir/docker-compose
plugin_dir=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins

if [ "${1:-}" = --print-path ]; then
  [ -f "$dir/.complete" ] || exit 1
  printf '%s\n' "$bin"
  exit 0
fi

build() {
  local go module_dir t0=$SECONDS
  go=$(find_go 24) || die "no Go toolchain >= 1.24 found (looked at PATH and /usr/local/go/bin/go)"
  export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
  export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
  log "building Docker Compose $COMPOSE_VERSION from the Go module proxy into $dir (~90 s on 2 cores; log: $BUILD_LOG)"
  rm -rf "${dir:?}"
  mkdir -p "$dir"
  module_dir=$(go_module_dir "$go" "github.com/docker/compose/v5@$COMPOSE_VERSION" 2>>"$BUILD_LOG") ||
    die "go mod download github.com/docker/compose/v5@$COMPOSE_VERSION failed; see $BUILD_LOG"
  [ -d "$module_dir/cmd" ] || die "the module cache has no $module_dir/cmd"
  # The module cache is read-only; go build writes nothing into it (-o points elsewhere).
  if ! (cd "$module_dir" && "$go" build -trimpath \
    -ldflags "-w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
    -o "$bin.tmp" ./cmd) >>"$BUILD_LOG" 2>&1; then
    tail -n 40 "$BUILD_LOG" >&2
    die "go build of Docker Compose $COMPOSE_VERSION failed; full log: $BUILD_LOG"
  fi
  mv "$bin.tmp" "$bin"
  touch "$dir/.complete"
  log "Docker Compose $COMPOSE_VERSION built in $((SECONDS - t0))s"
}

# One build at a time (.ci/run and a developer, or two test runs).
mkdir -p "$COMPOSE_CACHE"
exec 9>"$COMPOSE_CACHE/.build.lock"
flock 9
[ -f "$dir/.complete" ] || build
exec 9>&-

mkdir -p "$plugin_dir"
# A copy, not a link: the plugin must keep working if the cache is cleaned while it is in use.
if ! cmp -s "$bin" "$plugin_dir/docker-compose"; then
  install -m 0755 "$bin" "$plugin_dir/docker-compose"
fi
version=$(docker compose version --short 2>&1) || die "docker compose version failed: $version"
[ "v${version#v}" = "$COMPOSE_VERSION" ] ||
  die "docker compose version says $version, not $COMPOSE_VERSION (another docker-compose plugin earlier in the search path?)"
log "docker compose $version ($plugin_dir/docker-compose)"
