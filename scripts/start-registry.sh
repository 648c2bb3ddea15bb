#!/usr/bin/env bash
# Usage: scripts/start-registry.sh
#
# Starts a local, open (no auth, no TLS) Docker registry on 127.0.0.1:5000 for prenv's tests, and
# pushes prenv-test/busybox:1 to it as localhost:5000/prenv-test/busybox:1.
#   - registry: the Debian package docker-registry (distribution 2.8), installed when missing;
#   - config:   /tmp/prenv-registry/config.yml, blobs in /tmp/prenv-registry/data;
#   - process:  `docker-registry serve CONFIG` in the background, log /var/log/prenv-registry.log,
#               pid in /tmp/prenv-registry/registry.pid; not started when /v2/ already answers.
# Docker treats a registry on loopback as insecure-allowed, so no daemon.json change is needed.
# Idempotent. Needs root, a Docker engine (scripts/install-docker.sh) and the image
# (test/images/build.sh). The package's own systemd/init service is not used.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

DIR=/tmp/prenv-registry
CONFIG=$DIR/config.yml
PIDFILE=$DIR/registry.pid
LOG=${PRENV_REGISTRY_LOG:-/var/log/prenv-registry.log}
ADDR=127.0.0.1:5000
URL=http://$ADDR/v2/
TIMEOUT=20
SOURCE_IMAGE=prenv-test/busybox:1
PUSHED_IMAGE=localhost:5000/prenv-test/busybox:1

registry_answers() { curl -sf -o /dev/null --max-time 2 "$URL"; }

apt_install_missing docker-registry curl

if registry_answers; then
  log "registry answers on $ADDR"
else
  need_root
  mkdir -p "$DIR/data" "$(dirname "$LOG")"
  cat >"$CONFIG" <<EOF
# Written by scripts/start-registry.sh: an open registry for prenv's tests.
version: 0.1
log:
  level: info
  fields:
    service: prenv-registry
storage:
  filesystem:
    rootdirectory: $DIR/data
  delete:
    enabled: true
http:
  addr: $ADDR
EOF
  printf '\n===== %s: docker-registry serve %s =====\n' "$(date -Is)" "$CONFIG" >>"$LOG"
  log "starting docker-registry on $ADDR (log: $LOG)"
  # setsid: the registry must outlive this script and its process group.
  nohup setsid docker-registry serve "$CONFIG" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  deadline=$((SECONDS + TIMEOUT))
  until registry_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      reason=$(grep -iE 'level=(fatal|error|panic)|address already in use' "$LOG" | tail -1 | cut -c1-300)
      hint=""
      if grep -q 'address already in use' <<<"$reason"; then
        hint=" (something else listens on $ADDR; is it the docker-registry package's own service? /etc/init.d/docker-registry stop)"
      fi
      die "docker-registry exited: ${reason:-no error logged}$hint; see $LOG"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill "$pid" 2>/dev/null || true
      die "docker-registry did not answer $URL within ${TIMEOUT}s (stopped it); see $LOG"
    fi
    sleep 0.2
  done
  log "registry answers on $ADDR (pid $pid)"
fi

docker_answers || die "no Docker engine answers \`docker info\`; run scripts/install-docker.sh first"
docker image inspect "$SOURCE_IMAGE" >/dev/null 2>&1 ||
  die "$SOURCE_IMAGE is missing; run test/images/build.sh first"
previous=$(docker image inspect -f '{{.Id}}' "$PUSHED_IMAGE" 2>/dev/null || true)
docker tag "$SOURCE_IMAGE" "$PUSHED_IMAGE"
# After `test/images/build.sh --force` the old image only had this tag; do not leave it dangling.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$PUSHED_IMAGE")" ] &&
  [ "$(docker image inspect -f '{{len .RepoTags}}' "$previous" 2>/dev/null)" = 0 ]; then
  docker image rm "$previous" >/dev/null 2>&1 || true
fi
printf '\n===== %s: docker push %s =====\n' "$(date -Is)" "$PUSHED_IMAGE" >>"$LOG"
docker push "$PUSHED_IMAGE" >>"$LOG" 2>&1 || die "docker push $PUSHED_IMAGE failed; see $LOG"

# Check that the registry really serves the manifest the engine pushed.
pushed_digest=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$PUSHED_IMAGE" |
  sed -n 's|^localhost:5000/prenv-test/busybox@||p' | head -1)
served_digest=$(curl -sf --max-time 5 -o /dev/null -D - \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  "http://$ADDR/v2/prenv-test/busybox/manifests/1" |
  tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
[ -n "$served_digest" ] || die "the registry does not serve prenv-test/busybox:1 after the push; see $LOG"
[ "$served_digest" = "$pushed_digest" ] ||
  die "the registry serves prenv-test/busybox:1 as $served_digest, but the engine pushed ${pushed_digest:-nothing}"
log "pushed $PUSHED_IMAGE ($served_digest)"
