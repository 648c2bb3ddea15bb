#!/usr/bin/env bash
# Usage: test/images/build.sh [--force] [busybox] [debian]
#
# Builds the images prenv's tests use, without pulling from any registry (Debian packages only):
#   prenv-test/busybox:1  busybox-static's binary at /bin/busybox with a /bin symlink per applet,
#                         /tmp (1777), /etc/passwd (root, nobody), /etc/group; CMD ["/bin/sh"].
#   prenv-test/debian:1   debootstrap --variant=minbase bookworm with redis-server, postgresql,
#                         iproute2, iptables, curl, ca-certificates; apt caches removed;
#                         CMD ["/bin/bash"].
# Both are `docker import`ed from a root filesystem tarball, so they have no layers to pull.
# An image whose tag already exists is skipped unless --force is given. With no image names,
# both are built. Needs root and a Docker engine (scripts/install-docker.sh).
# Logs: /var/log/prenv-images.log (package downloads, debootstrap, docker import).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/../../scripts/lib.sh"

LOG=${PRENV_IMAGES_LOG:-/var/log/prenv-images.log}
BUSYBOX_TAG=prenv-test/busybox:1
DEBIAN_TAG=prenv-test/debian:1
DEBIAN_SUITE=bookworm
DEBIAN_PACKAGES=redis-server,postgresql,iproute2,iptables,curl,ca-certificates
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

force=0
wanted=()
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    busybox | debian) wanted+=("$arg") ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown argument '$arg' (usage: test/images/build.sh [--force] [busybox] [debian])" ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=(busybox debian)

need_root
docker_answers || die "no Docker engine answers \`docker info\`; run scripts/install-docker.sh first"
mkdir -p "$(dirname "$LOG")"

# Scratch directories, removed on exit whatever happens.
scratch=()
cleanup() {
  local d
  for d in "${scratch[@]}"; do
    # Never delete through a mount that debootstrap left behind.
    if grep -q " $d/" /proc/mounts; then
      log "warning: $d still has mounts; leaving it in place"
      continue
    fi
    rm -rf "$d"
  done
}
trap cleanup EXIT
# new_scratch PARENT: sets $work to a new empty directory under PARENT.
new_scratch() {
  work=$(mktemp -d "$1/prenv-image.XXXXXX")
  scratch+=("$work")
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# import_rootfs DIR TAG CMD_JSON: DIR's tree, owned as on disk, becomes image TAG.
import_rootfs() {
  local dir=$1 tag=$2 cmd=$3
  printf '\n===== %s: docker import %s =====\n' "$(date -Is)" "$tag" >>"$LOG"
  tar --numeric-owner -C "$dir" -c . |
    docker import -c "CMD $cmd" -c "ENV PATH=$DEFAULT_PATH" - "$tag" >>"$LOG" 2>&1 ||
    die "docker import of $tag failed; see $LOG"
}

# verify TAG COMMAND...: runs COMMAND in a throwaway container; drops the image when it fails,
# so that a broken image is never taken for a cached one.
verify() {
  local tag=$1 out
  shift
  if ! out=$(docker run --rm "$tag" "$@" 2>&1); then
    printf '%s\n' "$out" >>"$LOG"
    docker image rm "$tag" >/dev/null 2>&1 || true
    die "$tag does not work (removed it): $(tail -1 <<<"$out")"
  fi
  printf '%s\n' "$out"
}

build_busybox() {
  local work root deb applet out
  new_scratch /tmp
  printf '\n===== %s: apt-get download busybox-static =====\n' "$(date -Is)" >>"$LOG"
  if ! (cd "$work" && apt-get download -o APT::Sandbox::User=root busybox-static >>"$LOG" 2>&1); then
    # No package lists yet (fresh machine): fetch them once and retry.
    apt_update_once
    (cd "$work" && apt-get download -o APT::Sandbox::User=root busybox-static >>"$LOG" 2>&1) ||
      die "apt-get download busybox-static failed; see $LOG"
  fi
  deb=$(compgen -G "$work/busybox-static_*.deb" | head -1) || die "apt-get download left no busybox-static .deb in $work"
  dpkg-deb -x "$deb" "$work/deb"
  [ -x "$work/deb/bin/busybox" ] || die "$deb has no bin/busybox"

  root=$work/root
  mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  install -m 755 "$work/deb/bin/busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nogroup:x:65534:
EOF
  chmod 644 "$root/etc/passwd" "$root/etc/group"

  import_rootfs "$root" "$BUSYBOX_TAG" '["/bin/sh"]'
  out=$(verify "$BUSYBOX_TAG" sh -c 'echo ok; httpd --help >/dev/null 2>&1 || true; nc --help 2>&1 | head -1')
  [ "$(head -1 <<<"$out")" = ok ] || die "$BUSYBOX_TAG: unexpected output: $out"
  printf '%s\n' "$out" >>"$LOG"
}

build_debian() {
  local work root mirror leftover out
  apt_install_missing debootstrap debian-archive-keyring ca-certificates
  mirror=$(debian_mirror)
  # /var/tmp rather than /tmp: debootstrap needs mknod and exec, which a tmpfs /tmp may forbid.
  new_scratch /var/tmp
  root=$work/root
  log "debootstrap $DEBIAN_SUITE from $mirror (log: $LOG)"
  printf '\n===== %s: debootstrap %s %s =====\n' "$(date -Is)" "$DEBIAN_SUITE" "$mirror" >>"$LOG"
  if ! debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" "$DEBIAN_SUITE" "$root" "$mirror" \
    >>"$LOG" 2>&1; then
    cat "$root/debootstrap/debootstrap.log" >>"$LOG" 2>/dev/null || true
    die "debootstrap failed; see $LOG"
  fi

  leftover=$(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
  for m in $leftover; do umount -l "$m"; done

  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/archives/partial/* \
    "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* \
    "$root"/var/cache/debconf/*-old "$root"/debootstrap

  import_rootfs "$root" "$DEBIAN_TAG" '["/bin/bash"]'
  out=$(verify "$DEBIAN_TAG" redis-server --version)
  printf '%s\n' "$out" >>"$LOG"
}

for name in "${wanted[@]}"; do
  case $name in
    busybox) tag=$BUSYBOX_TAG ;;
    debian) tag=$DEBIAN_TAG ;;
  esac
  if [ "$force" = 0 ] && image_exists "$tag"; then
    log "$tag exists (cached; --force rebuilds it)"
    continue
  fi
  t0=$(now)
  log "building $tag"
  "build_$name"
  size=$(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')
  log "built $tag in $(elapsed "$t0") ($size)"
done
