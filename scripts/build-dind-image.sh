#!/usr/bin/env bash
# Builds gha-ephemeral/dind:local, the Docker engine a runner of a `docker: dind` pool gets as a sidecar, with no
# registry: from this host's own engine binaries (Debian: apt-get install docker.io), each with the shared
# libraries ldd lists for it, a static busybox for /bin/sh and the usual commands, and the host's CA bundle (the
# nested engine pulls over TLS). Holds dockerd, containerd, containerd-shim-runc-v2, runc, docker-init,
# docker-proxy, the docker CLI and, when the host has them, iptables and ip6tables. Its entry point is
# scripts/dind-entrypoint.sh. When the host has no dockerd (Docker Desktop, say) or no static busybox, and OFFLINE is
# not 1, it is built FROM the official docker:dind instead (pulled), with the same entry point.
#
# Nothing happens when an image built from the same binaries and entry point is there already.
# Needs: a Docker engine, busybox-static (Debian). Usage: scripts/build-dind-image.sh   (env: DIND_IMAGE, OFFLINE)
set -euo pipefail

DIND_IMAGE=${DIND_IMAGE:-gha-ephemeral/dind:local}
OFFICIAL_DIND=${OFFICIAL_DIND:-docker:dind}
# Bump when the image's layout changes, so hosts that have an older one get it rebuilt.
REVISION=2
here=$(cd "$(dirname "$0")" && pwd)
entrypoint="$here/dind-entrypoint.sh"

log() { printf '[build-dind-image] %s\n' "$*" >&2; }

# shellcheck source=scripts/lib/static-busybox.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/static-busybox.sh"

# The binaries to copy, one "name:absolute path" a line (docker-init is a link to tini); the optional ones only
# when present.
engine_binaries() {
  local name path
  for name in dockerd containerd containerd-shim-runc-v2 runc docker-init docker-proxy docker; do
    path=$(PATH="$PATH:/usr/sbin:/sbin:/usr/libexec/docker" command -v "$name") || {
      log "$name is not on this host (Debian: apt-get install docker.io)"
      return 1
    }
    echo "$name:$(readlink -f "$path")"
  done
  for name in xtables-nft-multi xtables-legacy-multi; do
    path=$(PATH="$PATH:/usr/sbin:/sbin" command -v "$name") && echo "$name:$(readlink -f "$path")"
  done
  return 0
}

# What the image is made of: when it changes, the image is rebuilt.
fingerprint() {
  { echo "$REVISION"; cat "$entrypoint"; for entry in "$@"; do sha256sum "${entry#*:}"; done; } |
    sha256sum | cut -c1-16
}

built_from() {
  docker image inspect -f '{{index .Config.Labels "gha-ephemeral.dind.fingerprint"}}' "$DIND_IMAGE" 2>/dev/null
}

# Copies "name:path" to /usr/local/bin/name, with the libraries it links against at their own paths.
copy_with_libraries() {
  local root=$1 name=${2%%:*} binary=${2#*:} lib
  cp "$binary" "$root/usr/local/bin/$name"
  # A static binary has no libraries (ldd fails on it).
  { ldd "$binary" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
  done
}

# iptables is one multi-call binary: the names dockerd runs, and the extensions it loads at run time.
link_iptables() {
  local root=$1 entry binary name library extensions
  shift
  for entry in "$@"; do
    binary=${entry#*:}
    case "${entry%%:*}" in xtables-*-multi) ;; *) continue ;; esac
    for name in iptables ip6tables iptables-save iptables-restore ip6tables-save ip6tables-restore; do
      [ -e "$root/usr/local/sbin/$name" ] || ln -s "../bin/${entry%%:*}" "$root/usr/local/sbin/$name"
    done
    library=$(ldd "$binary" | grep -oE '/[^ ]*libxtables\.so[^ ]*' | head -n 1) || continue
    # The real directory (/usr/lib/..., not /lib/... through a merged-/usr link): the path libxtables was built with.
    extensions=$(readlink -f "$(dirname "$library")")/xtables
    if [ -d "$extensions" ]; then
      mkdir -p "$root$extensions"
      cp -a "$extensions/." "$root$extensions/"
    fi
  done
  return 0
}

make_root() {
  local root=$1 busybox=$2 binary applet
  shift 2
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/sbin,etc/ssl/certs,tmp,root,run,var/run,var/lib/docker,proc,sys,dev}
  chmod 1777 "$root/tmp"
  for binary in "$@"; do copy_with_libraries "$root" "$binary"; done
  link_iptables "$root" "$@"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  cp "$entrypoint" "$root/usr/local/bin/dind-entrypoint.sh"
  chmod 0755 "$root/usr/local/bin/dind-entrypoint.sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\ndocker:x:2375:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  printf 'NAME="gha-ephemeral dind"\nID=gha-ephemeral-dind\n' >"$root/etc/os-release"
}

build_from_host() {
  local busybox=$1 root print
  shift
  print=$(fingerprint "$@")
  if [ "$(built_from)" = "$print" ]; then
    log "$DIND_IMAGE is up to date"
    return 0
  fi
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  make_root "$root" "$busybox" "$@"
  log "importing $DIND_IMAGE from host files ($("${1#*:}" --version), $(du -sh "$root" | cut -f1))"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME /var/lib/docker' \
    --change 'EXPOSE 2375' \
    --change 'ENTRYPOINT ["/usr/local/bin/dind-entrypoint.sh"]' \
    --change 'LABEL gha-ephemeral.image=dind' \
    --change "LABEL gha-ephemeral.dind.fingerprint=$print" \
    --message "Docker engine sidecar made by scripts/build-dind-image.sh from host files" \
    - "$DIND_IMAGE" >/dev/null
}

build_from_official() {
  local context
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  cp "$entrypoint" "$context/dind-entrypoint.sh"
  printf 'FROM %s\nCOPY dind-entrypoint.sh /usr/local/bin/dind-entrypoint.sh\nENTRYPOINT ["/usr/local/bin/dind-entrypoint.sh"]\nCMD []\n' \
    "$OFFICIAL_DIND" >"$context/Dockerfile"
  docker build --quiet --label gha-ephemeral.image=dind -t "$DIND_IMAGE" "$context" >/dev/null
}

if ! busybox=$(find_busybox); then
  log "no static busybox on this host (Debian: apt-get install busybox-static)"
elif binaries=$(engine_binaries); then
  mapfile -t list <<<"$binaries"
  build_from_host "$busybox" "${list[@]}"
  echo "$DIND_IMAGE"
  exit 0
fi
[ "${OFFLINE:-0}" != 1 ] || exit 1
log "building $DIND_IMAGE FROM $OFFICIAL_DIND"
build_from_official
echo "$DIND_IMAGE"
