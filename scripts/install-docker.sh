#!/usr/bin/env bash
# Usage: sudo scripts/install-docker.sh
#
# Makes a Docker engine answer on a Debian/Ubuntu machine that has none (no systemd needed):
#   1. installs the Debian package docker.io (and its dependencies) when `dockerd` is missing;
#   2. when `docker info` does not answer, starts `dockerd` in the background, logging to
#      /var/log/prenv-dockerd.log. If it dies over its storage driver, it is retried with
#      --storage-driver=overlay2, then with --storage-driver=vfs (slow, but works everywhere);
#   3. waits up to 60 s until `docker info` answers, and fails with a clear message otherwise.
# Idempotent: when an engine already answers it only says so. Run as root.
# Environment: PRENV_DOCKERD_LOG (default /var/log/prenv-dockerd.log),
#              PRENV_DOCKERD_TIMEOUT (seconds, default 60).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

DOCKERD_LOG=${PRENV_DOCKERD_LOG:-/var/log/prenv-dockerd.log}
TIMEOUT=${PRENV_DOCKERD_TIMEOUT:-60}

engine_summary() {
  docker info --format '{{.ServerVersion}}, storage driver {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null ||
    echo "version unknown"
}

if docker_answers; then
  log "Docker engine answers ($(engine_summary))"
  exit 0
fi

need_root

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  apt_install_missing docker.io
  command -v dockerd >/dev/null 2>&1 || die "docker.io is installed but there is no dockerd on PATH ($PATH)"
  # Installing docker.io may have started the engine through its init script.
  if docker_answers; then
    log "Docker engine answers ($(engine_summary))"
    exit 0
  fi
fi

start=$(now)
deadline=$((SECONDS + TIMEOUT))

# wait_for_engine PID: 0 once `docker info` answers, 1 if PID dies first, 2 at the deadline.
wait_for_engine() {
  local pid=$1
  while [ "$SECONDS" -lt "$deadline" ]; do
    if docker_answers; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      # It may have died just after answering, or answered just before dying: ask once more.
      docker_answers && return 0
      return 1
    fi
    sleep 0.5
  done
  return 2
}

# A dockerd that runs but does not answer yet (another script is starting it): wait for it.
if running=$(pgrep -xo dockerd); then
  log "dockerd (pid $running) is running but not answering yet; waiting up to ${TIMEOUT}s"
  if wait_for_engine "$running"; then
    log "Docker engine answers after $(elapsed "$start") ($(engine_summary))"
    exit 0
  fi
  if kill -0 "$running" 2>/dev/null; then
    die "dockerd (pid $running) runs but \`docker info\` did not answer within ${TIMEOUT}s; see $DOCKERD_LOG or stop it and rerun"
  fi
  log "dockerd (pid $running) exited; starting a new one"
fi

mkdir -p "$(dirname "$DOCKERD_LOG")"
touch "$DOCKERD_LOG"

for driver in "" overlay2 vfs; do
  args=()
  label=dockerd
  if [ -n "$driver" ]; then
    args=(--storage-driver="$driver")
    label="dockerd --storage-driver=$driver"
  fi
  offset=$(stat -c %s "$DOCKERD_LOG")
  printf '\n===== %s: %s =====\n' "$(date -Is)" "$label" >>"$DOCKERD_LOG"
  log "starting $label (log: $DOCKERD_LOG)"
  # setsid: the engine must outlive this script and its process group.
  nohup setsid dockerd "${args[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
  pid=$!
  status=0
  wait_for_engine "$pid" || status=$?
  case $status in
    0)
      log "Docker engine answers after $(elapsed "$start") ($(engine_summary); dockerd pid $pid)"
      exit 0
      ;;
    2)
      kill "$pid" 2>/dev/null || true
      die "dockerd did not answer \`docker info\` within ${TIMEOUT}s (stopped it); see $DOCKERD_LOG"
      ;;
  esac
  # dockerd exited. Retry with another storage driver only when the storage driver was the problem.
  output=$(tail -c +"$((offset + 1))" "$DOCKERD_LOG")
  if ! grep -qiE 'graphdriver|storage.driver|storage-driver|overlay|driver not supported' <<<"$output"; then
    die "dockerd exited: $(grep -iE 'level=(fatal|error)|failed' <<<"$output" | tail -1 | cut -c1-300); see $DOCKERD_LOG"
  fi
  log "$label exited over its storage driver: $(grep -iE 'graphdriver|storage|overlay' <<<"$output" | tail -1 | cut -c1-200)"
done

die "dockerd failed with every storage driver (default, overlay2, vfs); see $DOCKERD_LOG"
