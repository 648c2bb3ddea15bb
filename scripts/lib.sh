# shellcheck shell=bash
# Shared helpers for prenv's setup scripts (scripts/*.sh, test/images/build.sh, .ci/run).
# Source it, do not run it:   . "$(dirname "$0")/lib.sh"
# Nothing here has side effects at source time.

# One-line progress message.
log() { printf '[setup] %s\n' "$*"; }

# One-line failure message, then exit 1.
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

need_root() {
  [ "$(id -u)" -eq 0 ] || die "$(basename "$0") must run as root (it installs packages and starts daemons)"
}

# Seconds since the epoch with microseconds (bash 5's EPOCHREALTIME, else date).
now() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    printf '%s' "${EPOCHREALTIME/,/.}"
  else
    date +%s.%N
  fi
}

# elapsed START -> "12.3s" since START (a value of now()).
elapsed() {
  awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'
}

# True when the Debian package is installed (not merely known or half-configured).
deb_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

PRENV_APT_LOG=${PRENV_APT_LOG:-/var/log/prenv-apt.log}

# apt_update_once: `apt-get update` at most once per process tree
# (exported marker, so scripts run from .ci/run share it).
apt_update_once() {
  if [ "${PRENV_APT_UPDATED:-}" = 1 ]; then return 0; fi
  log "apt-get update (log: $PRENV_APT_LOG)"
  if ! apt-get update >>"$PRENV_APT_LOG" 2>&1; then
    die "apt-get update failed; see $PRENV_APT_LOG"
  fi
  export PRENV_APT_UPDATED=1
}

# apt_install_missing PKG...: installs, in one apt-get call, those PKGs that are not installed yet.
# Quiet when all are present.
apt_install_missing() {
  local missing=() p
  for p in "$@"; do
    deb_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  need_root
  apt_update_once
  log "installing Debian packages: ${missing[*]} (log: $PRENV_APT_LOG)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
    >>"$PRENV_APT_LOG" 2>&1; then
    die "apt-get install ${missing[*]} failed; see $PRENV_APT_LOG"
  fi
}

# The Debian mirror this machine uses: the first URIs: line of a deb822 .sources file for the
# main archive, else the first `deb` line of sources.list, else deb.debian.org.
debian_mirror() {
  local uri=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    uri=$(awk '
      /^[[:space:]]*#/ { next }
      /^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }
    ' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '
      $1 == "deb" {
        for (i = 2; i <= NF; i++) {
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; continue }
          if ($i !~ /security/) { print $i; exit }
          break
        }
      }
    ' /etc/apt/sources.list)
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# docker_answers: true when a Docker engine answers on the default socket.
docker_answers() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

# find_go MINOR: prints the path of a Go toolchain that is at least 1.MINOR (PATH, then
# /usr/local/go/bin/go).
find_go() {
  local g v
  for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go; do
    if [ -z "$g" ] || [ ! -x "$g" ]; then continue; fi
    v=$("$g" env GOVERSION 2>/dev/null) || continue # go1.26.8
    v=${v#go}
    if [ "${v%%.*}" -gt 1 ] || { [ "${v%%.*}" -eq 1 ] && [ "$(echo "$v" | cut -d. -f2)" -ge "$1" ]; }; then
      printf '%s\n' "$g"
      return 0
    fi
  done
  return 1
}

# go_module_dir GO MODULE@VERSION: the module's folder in the module cache (downloaded if needed).
go_module_dir() {
  "$1" mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}
