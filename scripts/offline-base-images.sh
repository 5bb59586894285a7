#!/usr/bin/env bash
# Prepares the base images that this project's Dockerfiles start FROM, on a host that cannot pull them.
#
# For each base image: if the engine already has it, nothing happens; else, unless OFFLINE=1, a normal
# `docker pull` is tried first; when that fails, a stand-in with the same name is built from files this host
# already has: its own `node` binary, the shared libraries `ldd` lists for it, and a static busybox for /bin/sh
# and the usual commands, plus a `node` user (uid 1000) as in the official image. The result is tagged with the
# name the Dockerfiles expect, so they build unchanged. Users with a registry simply pull the real images.
#
# Needs: a Docker engine, node (20.x) on the host, and busybox-static (Debian: apt-get install busybox-static).
# Usage: scripts/offline-base-images.sh            (env: OFFLINE=1 to skip the pull attempt)
set -euo pipefail

NODE_BASE_IMAGE=${NODE_BASE_IMAGE:-node:20-bookworm-slim}

log() { printf '[offline-base-images] %s\n' "$*" >&2; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

try_pull() {
  [ "${OFFLINE:-0}" = 1 ] && return 1
  log "trying docker pull $1"
  timeout 60 docker pull -q "$1" >/dev/null 2>&1
}

find_busybox() {
  for candidate in /bin/busybox /usr/bin/busybox; do
    # ldd fails on a static binary: that is the one we want.
    if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

build_node_base() {
  local tag=$1 node busybox root
  node=$(readlink -f "$(command -v node)") || { log "node is not on PATH"; exit 1; }
  busybox=$(find_busybox) || {
    log "a static busybox is needed: apt-get install -y busybox-static"
    exit 1
  }
  local major
  major=$("$node" -p 'process.versions.node.split(".")[0]')
  if [ "$major" != 20 ]; then
    log "warning: host node is v$major, the Dockerfiles expect node 20"
  fi
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,home/node,var/run,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp "$node" "$root/usr/local/bin/node"
  ln -s /usr/local/bin/node "$root/usr/bin/node"
  # The dynamic loader and every library node links against, at the same paths.
  ldd "$node" | grep -oE '/[^ ]+' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
node:x:1000:1000::/home/node:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
  cat >"$root/etc/group" <<'GROUP'
root:x:0:
node:x:1000:
nogroup:x:65534:
GROUP
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  chown 1000:1000 "$root/home/node"
  log "importing $tag from host files (node $("$node" --version), $(du -sh "$root" | cut -f1))"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_VERSION='"$("$node" -p 'process.versions.node')" \
    --change 'CMD ["node"]' \
    --message "offline stand-in for $tag, made by scripts/offline-base-images.sh" \
    - "$tag" >/dev/null
}

if have_image "$NODE_BASE_IMAGE"; then
  log "$NODE_BASE_IMAGE is present"
elif try_pull "$NODE_BASE_IMAGE"; then
  log "pulled $NODE_BASE_IMAGE"
else
  build_node_base "$NODE_BASE_IMAGE"
  log "built $NODE_BASE_IMAGE offline"
fi
