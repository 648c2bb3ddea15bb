#!/usr/bin/env bash
# Usage: scripts/traefik.sh [--print-path]
#
# Traefik, the reverse proxy the preview tests send their requests through
# (test/action/preview.test.ts: the Docker provider; test/k8s/preview.test.ts: the
# kubernetesIngress provider; both through test/helpers/traefik.ts), built from the Go module
# proxy, since release binaries are not downloaded here:
#   go mod download github.com/traefik/traefik/v3@$TRAEFIK_VERSION
#   go build ./cmd/traefik in a copy of the downloaded module (patch_source says why a copy)
# (the module's webui/static holds only a placeholder: the dashboard is empty, the proxy is whole.)
# Test infrastructure only: prenv itself never runs it.
# The binary is cached in $TRAEFIK_CACHE/<version>/bin/traefik (built once: ~9 min on 2 shared cores
# with a cold Go build cache, 13 s with a warm one;
# the .complete stamp marks a finished build); a later call only prints its path.
# Build output goes to /var/log/prenv-traefik-build.log. Prints the binary's path on stdout
# (progress goes to stderr).
# --print-path: only print the cached binary's path when it is built (exit 1 when not).
set -euo pipefail
exec </dev/null

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

TRAEFIK_VERSION=${PRENV_TRAEFIK_VERSION:-v3.7.13}
TRAEFIK_CACHE=${PRENV_TRAEFIK_CACHE:-/var/cache/prenv-traefik}
BUILD_LOG=${PRENV_TRAEFIK_LOG:-/var/log/prenv-traefik-build.log}
dir=$TRAEFIK_CACHE/$TRAEFIK_VERSION
bin=$dir/bin/traefik

if [ "${1:-}" = --print-path ]; then
  [ -f "$dir/.complete" ] || exit 1
  printf '%s\n' "$bin"
  exit 0
fi

# The module as the proxy serves it does not build; three things are put right in a copy:
# - its go.mod replaces ./pkg/config/dynamic/ext, a nested module (extension points, empty
#   structs upstream) that a module zip leaves out: written here, empty as upstream;
# - go-http-auth is replaced by containous' fork, which this proxy refuses: the original
#   github.com/abbot/go-http-auth v0.4.0 (the one version it serves) instead, with the two
#   functions the fork added (basic and digest auth middlewares; not used by the tests);
# - lego's DNS-01 providers import SDKs this proxy refuses: the one file that imports them
#   all is swapped, in a copy of lego, for a factory that says DNS challenges are left out.
# None of it touches what the tests use: HTTP routing, the Docker and kubernetesIngress providers.
patch_source() {
  local src=$1 go=$2 auth_dir lego_dir lego_version
  mkdir -p "$src/pkg/config/dynamic/ext"
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"$src/pkg/config/dynamic/ext/go.mod"
  cat >"$src/pkg/config/dynamic/ext/ext.go" <<'GO'
// Package ext: Traefik's extension points, empty in the open-source build.
package ext

type HTTP struct{}

type Router struct{}

type RouterIng struct{}

func (r RouterIng) ToRouter() Router { return Router{} }
GO
  # v0.4.0 lacks two functions the fork added; here they are, from v0.4.0's own parts
  # (the secret comparison of its BasicAuth.CheckAuth; a digest challenge without stale=true).
  auth_dir=$(go_module_dir "$go" github.com/abbot/go-http-auth@v0.4.0)
  [ -f "$auth_dir/basic.go" ] || die "go-http-auth v0.4.0 has no basic.go in $auth_dir"
  cp -r "$auth_dir" "$src/.prenv-go-http-auth"
  chmod -R u+w "$src/.prenv-go-http-auth"
  printf 'module github.com/abbot/go-http-auth\n\ngo 1.16\n' >"$src/.prenv-go-http-auth/go.mod"
  cat >"$src/.prenv-go-http-auth/prenv.go" <<'GO'
package auth

import (
	"net/http"
	"strings"
)

// CheckSecret says whether password matches secret, an htpasswd entry's hash.
func CheckSecret(password, secret string) bool {
	compare := compareFuncs[0].compare
	for _, cmp := range compareFuncs[1:] {
		if strings.HasPrefix(secret, cmp.prefix) {
			compare = cmp.compare
			break
		}
	}
	return compare([]byte(secret), []byte(password)) == nil
}

// RequireAuthStale asks for credentials again (without the fork's stale=true).
func (a *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	a.RequireAuth(w, r)
}
GO
  (cd "$src" && "$go" mod edit -replace github.com/abbot/go-http-auth=./.prenv-go-http-auth)
  lego_version=$(cd "$src" && "$go" list -m -f '{{.Version}}' github.com/go-acme/lego/v5)
  lego_dir=$(go_module_dir "$go" "github.com/go-acme/lego/v5@$lego_version")
  [ -f "$lego_dir/providers/dns/zz_gen_dns_providers.go" ] || die "lego has no providers/dns/zz_gen_dns_providers.go in $lego_dir"
  # -overlay may not replace files in the module cache: a copy of lego, used through a replace.
  cp -r "$lego_dir" "$src/.prenv-lego"
  chmod -R u+w "$src/.prenv-lego"
  rm "$src/.prenv-lego/providers/dns/"*.go
  cat >"$src/.prenv-lego/providers/dns/dns_providers.go" <<'GO'
// Package dns: this build of Traefik (prenv's test proxy) has no DNS-01 providers.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
)

func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	return nil, fmt.Errorf("DNS challenge provider %q: left out of this build of Traefik (prenv test infrastructure)", name)
}
GO
  (cd "$src" && "$go" mod edit -replace github.com/go-acme/lego/v5=./.prenv-lego)
}

build() {
  local go module_dir src t0=$SECONDS
  go=$(find_go 26) || die "no Go toolchain >= 1.26 found (looked at PATH and /usr/local/go/bin/go); traefik $TRAEFIK_VERSION's go.mod asks for go 1.26"
  export GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=mod" CGO_ENABLED=0
  export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
  log "building Traefik $TRAEFIK_VERSION from the Go module proxy into $dir (minutes on 2 cores; log: $BUILD_LOG)" >&2
  rm -rf "${dir:?}"
  mkdir -p "$dir/bin"
  module_dir=$(go_module_dir "$go" "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" 2>>"$BUILD_LOG") ||
    die "go mod download github.com/traefik/traefik/v3@$TRAEFIK_VERSION failed; see $BUILD_LOG"
  [ -d "$module_dir/cmd/traefik" ] || die "the module cache has no $module_dir/cmd/traefik"
  # A writable copy (the module cache is read-only), removed after the build.
  src=$dir/src
  cp -r "$module_dir" "$src"
  chmod -R u+w "$src"
  patch_source "$src" "$go" 2>>"$BUILD_LOG" || die "preparing Traefik's source failed; see $BUILD_LOG"
  if ! (cd "$src" && "$go" build -trimpath \
    -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
    -o "$bin.tmp" ./cmd/traefik) >>"$BUILD_LOG" 2>&1; then
    tail -n 40 "$BUILD_LOG" >&2
    die "go build of Traefik $TRAEFIK_VERSION failed; full log: $BUILD_LOG"
  fi
  mv "$bin.tmp" "$bin"
  rm -rf "${src:?}"
  touch "$dir/.complete"
  log "Traefik $TRAEFIK_VERSION built in $((SECONDS - t0))s" >&2
}

# One build at a time (.ci/run and a developer, or two test files).
mkdir -p "$TRAEFIK_CACHE"
exec 9>"$TRAEFIK_CACHE/.build.lock"
flock 9
[ -f "$dir/.complete" ] || build
exec 9>&-

version=$("$bin" version 2>&1) || die "$bin version failed: $version"
case $version in
  *"$TRAEFIK_VERSION"*) ;;
  *) die "$bin says it is not $TRAEFIK_VERSION: $version" ;;
esac
printf '%s\n' "$bin"
