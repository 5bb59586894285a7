#!/usr/bin/env bash
# Prepares the base images that this project's Dockerfiles start FROM, on a host that cannot pull them.
#
# For each base image: if the engine already has it, nothing happens; else, unless OFFLINE=1, a normal
# `docker pull` is tried first; when that fails, a stand-in with the same name is built from files this host
# already has: its own `node` binary, the shared libraries `ldd` lists for it, and a static busybox for /bin/sh
# and the usual commands, npm and corepack (so a Dockerfile can `corepack enable` and run pnpm) at the official
# image's paths, plus a `node` user (uid 1000) as in the official image. The result is tagged with the name the
# Dockerfiles expect, so they build unchanged. Users with a registry simply pull the real images.
#
# A stand-in made by an older revision of this script (its import comment names the revision) is rebuilt.
#
# Needs: a Docker engine, node (20.x) with npm and corepack on the host, and busybox-static (Debian:
# apt-get install busybox-static).
# Usage: scripts/offline-base-images.sh            (env: OFFLINE=1 to skip the pull attempt)
set -euo pipefail

NODE_BASE_IMAGE=${NODE_BASE_IMAGE:-node:20-bookworm-slim}
# Bump when the stand-in's contents change, so hosts that have an older one get it rebuilt.
REVISION=2

log() { printf '[offline-base-images] %s\n' "$*" >&2; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# An image imported by this script carries "offline stand-in for ..." in its comment; a pulled one does not.
stale_stand_in() {
  local comment
  comment=$(docker image inspect -f '{{.Comment}}' "$1" 2>/dev/null) || return 1
  case "$comment" in
    "offline stand-in for $1 (revision $REVISION)"*) return 1 ;;
    "offline stand-in for "*) return 0 ;;
    *) return 1 ;;
  esac
}

# The host's global node_modules directory holding npm and corepack (Debian: /usr/lib/node_modules).
find_global_modules() {
  local npm_cli
  npm_cli=$(readlink -f "$(command -v npm)") || return 1
  # .../node_modules/npm/bin/npm-cli.js -> .../node_modules
  dirname "$(dirname "$(dirname "$npm_cli")")"
}

copy_npm_and_corepack() {
  local root=$1 modules name
  modules=$(find_global_modules) || { log "npm is not on PATH"; exit 1; }
  mkdir -p "$root/usr/local/lib/node_modules"
  for name in npm corepack; do
    [ -d "$modules/$name" ] || { log "$modules/$name is missing (npm and corepack are needed)"; exit 1; }
    cp -a "$modules/$name" "$root/usr/local/lib/node_modules/$name"
  done
  # The same links as the official image.
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
}

try_pull() {
  [ "${OFFLINE:-0}" = 1 ] && return 1
  log "trying docker pull $1"
  timeout 60 docker pull -q "$1" >/dev/null 2>&1
}

# shellcheck source=scripts/lib/static-busybox.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/static-busybox.sh"

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
  copy_npm_and_corepack "$root"
  # The dynamic loader and every library node links against, at the same paths.
  ldd "$node" | grep -oE '/[^ ]+' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  # npm, npx, corepack and pnpm start with `#!/usr/bin/env node`.
  ln -s /bin/busybox "$root/usr/bin/env"
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
    --message "offline stand-in for $tag (revision $REVISION), made by scripts/offline-base-images.sh" \
    - "$tag" >/dev/null
}

if stale_stand_in "$NODE_BASE_IMAGE"; then
  build_node_base "$NODE_BASE_IMAGE"
  log "rebuilt $NODE_BASE_IMAGE offline (an older stand-in was there)"
elif have_image "$NODE_BASE_IMAGE"; then
  log "$NODE_BASE_IMAGE is present"
elif try_pull "$NODE_BASE_IMAGE"; then
  log "pulled $NODE_BASE_IMAGE"
else
  build_node_base "$NODE_BASE_IMAGE"
  log "built $NODE_BASE_IMAGE offline"
fi
