#!/usr/bin/env bash
# Usage: test/k8s/build.sh
#
# Builds, once per version, the binaries of the test cluster from Go modules (no download of
# release binaries: the Go module proxy is all this needs):
#   $K8S_CACHE/<k8s version>/bin      kube-apiserver kube-controller-manager kube-scheduler
#                                     kubelet kube-proxy kubectl   (from k8s.io/kubernetes)
#   $K8S_CACHE/coredns-<version>/bin  coredns                      (from github.com/coredns/coredns)
#   $K8S_CACHE/pause-<hash>/pause     test/k8s/pause/pause.go
# A folder counts as built only when its .complete stamp exists, so an interrupted build starts
# over. Later runs print the paths and return at once. Output goes to $K8S_LOGS/build.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/k8s/lib.sh
. "$HERE/lib.sh"
# shellcheck source=scripts/lib.sh
. "$HERE/../../scripts/lib.sh"

BUILD_LOG=$K8S_LOGS/build.log
mkdir -p "$K8S_CACHE" "$K8S_LOGS"

GO=$(find_go 24) || k8s_die "no Go toolchain >= 1.24 found (looked at PATH and /usr/local/go/bin/go)"
export GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
# -p 2: this machine has 2 cores, and the linker of kube-apiserver alone wants ~2 GiB.
GO_BUILD=("$GO" build -p "${PRENV_K8S_BUILD_JOBS:-2}" -trimpath)

# One build at a time (cluster.sh up from two shells, or CI and a developer).
exec 9>"$K8S_CACHE/.build.lock"
flock 9

# run_logged DESCRIPTION COMMAND...: COMMAND's output into the build log; its tail on failure.
run_logged() {
  local what=$1
  shift
  printf '\n== %s: %s\n' "$(date -u +%FT%TZ)" "$what" >>"$BUILD_LOG"
  printf '$ %s\n' "$*" >>"$BUILD_LOG"
  if ! "$@" >>"$BUILD_LOG" 2>&1; then
    tail -n 40 "$BUILD_LOG" >&2
    k8s_die "$what failed; full log: $BUILD_LOG"
  fi
}

# in_dir DIR COMMAND...: COMMAND run in DIR.
in_dir() (
  cd "$1"
  shift
  "$@"
)

# gomod_of MODULE@VERSION: path of that module's go.mod in the module cache (downloaded if needed).
gomod_of() {
  "$GO" mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

build_kubernetes() {
  local dir=$K8S_CACHE/$K8S_VERSION
  if [ -f "$dir/bin/.complete" ]; then return 0; fi
  local t0=$SECONDS src=$dir/src staging_version upstream_mod minor patch b
  k8s_log "building Kubernetes $K8S_VERSION from Go modules into $dir/bin (tens of minutes on 2 cores; log: $BUILD_LOG)"
  rm -rf "${dir:?}/bin" "${dir:?}/bin.tmp" "${src:?}"
  mkdir -p "$src" "$dir/bin.tmp"
  # k8s.io/kubernetes points its staging modules (k8s.io/api, k8s.io/client-go, ...) at
  # ./staging/src, which only works inside its own repository; as a dependency, each one is
  # pinned to the published v0.<minor>.<patch> that belongs to this release.
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  patch=$(echo "$K8S_VERSION" | cut -d. -f3)
  staging_version=v0.$minor.$patch
  (cd "$src" && printf 'module prenv.local/k8s-build\n\ngo 1.24.0\n' >go.mod)
  upstream_mod=$(cd "$src" && gomod_of "k8s.io/kubernetes@$K8S_VERSION") ||
    k8s_die "go mod download k8s.io/kubernetes@$K8S_VERSION failed"
  [ -f "$upstream_mod" ] || k8s_die "no go.mod for k8s.io/kubernetes@$K8S_VERSION in the module cache"
  {
    printf 'module prenv.local/k8s-build\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\/src\// { printf "\t%s => %s %s\n", $1, $1, v }' "$upstream_mod"
    printf ')\n'
  } >"$src/go.mod"
  grep -q 'k8s.io/client-go => ' "$src/go.mod" || k8s_die "found no staging modules in $upstream_mod"

  # The version the binaries report (kubectl version, the node's kubeletVersion, /version).
  local date ldflags=""
  date=$(date -u +%FT%TZ)
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  local targets=()
  for b in "${K8S_BINARIES[@]}"; do targets+=("k8s.io/kubernetes/cmd/$b"); done
  run_logged "go mod download (Kubernetes $K8S_VERSION)" in_dir "$src" "$GO" mod download
  run_logged "go build (Kubernetes $K8S_VERSION)" in_dir "$src" "${GO_BUILD[@]}" \
    -tags selinux,notest,grpcnotrace -ldflags "-s -w$ldflags" -o "$dir/bin.tmp/" "${targets[@]}"
  for b in "${K8S_BINARIES[@]}"; do
    [ -x "$dir/bin.tmp/$b" ] || k8s_die "go build made no $b; see $BUILD_LOG"
  done
  touch "$dir/bin.tmp/.complete"
  mv "$dir/bin.tmp" "$dir/bin"
  k8s_log "Kubernetes $K8S_VERSION built in $((SECONDS - t0))s"
}

build_coredns() {
  local dir=$K8S_CACHE/coredns-$COREDNS_VERSION
  if [ -f "$dir/bin/.complete" ]; then return 0; fi
  local t0=$SECONDS src=$dir/src
  k8s_log "building CoreDNS $COREDNS_VERSION from Go modules into $dir/bin (log: $BUILD_LOG)"
  rm -rf "${dir:?}/bin" "${dir:?}/bin.tmp" "${src:?}"
  mkdir -p "$src" "$dir/bin.tmp"
  printf 'module prenv.local/coredns-build\n\ngo 1.25.0\n\nrequire github.com/coredns/coredns %s\n' \
    "$COREDNS_VERSION" >"$src/go.mod"
  run_logged "go build (CoreDNS $COREDNS_VERSION)" in_dir "$src" "${GO_BUILD[@]}" \
    -ldflags "-s -w" -o "$dir/bin.tmp/coredns" github.com/coredns/coredns
  "$dir/bin.tmp/coredns" -version >>"$BUILD_LOG" 2>&1 || k8s_die "the built coredns does not run; see $BUILD_LOG"
  touch "$dir/bin.tmp/.complete"
  mv "$dir/bin.tmp" "$dir/bin"
  k8s_log "CoreDNS $COREDNS_VERSION built in $((SECONDS - t0))s"
}

# pause_dir: where the pause binary of the current test/k8s/pause/pause.go goes.
pause_dir() {
  printf '%s/pause-%s\n' "$K8S_CACHE" "$(sha256sum "$HERE/pause/pause.go" | cut -c1-12)"
}

build_pause() {
  local dir
  dir=$(pause_dir)
  if [ -f "$dir/.complete" ]; then return 0; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  # A single file that imports only the standard library builds without a go.mod.
  run_logged "go build (pause)" in_dir "$dir" env GOFLAGS=-buildvcs=false \
    "${GO_BUILD[@]}" -ldflags "-s -w" -o "$dir/pause" "$HERE/pause/pause.go"
  touch "$dir/.complete"
}

build_pause
build_kubernetes
build_coredns
