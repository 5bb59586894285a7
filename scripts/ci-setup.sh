#!/usr/bin/env bash
# Prepares a fresh Debian machine (or CI runner) for the test suite: a Docker engine that answers, pnpm at the
# version package.json pins, and the Debian packages the tests use. Idempotent: what is already there is kept.
set -euo pipefail

log() { printf '[ci-setup] %s\n' "$*" >&2; }
root=$(cd "$(dirname "$0")/.." && pwd)

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
fi

# Every engine call is bounded: a wedged engine must fail or be replaced, never hang the run.
engine_answers() { timeout 15 docker info >/dev/null 2>&1; }

if ! engine_answers; then
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "a dockerd runs but does not answer: restarting it"
    pkill -x dockerd || true
    for _ in $(seq 1 20); do pgrep -x dockerd >/dev/null 2>&1 || break; sleep 1; done
    pkill -9 -x dockerd 2>/dev/null || true
  fi
  log "starting dockerd in the background (log: /tmp/dockerd.log)"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 1
  done
  engine_answers || {
    log "dockerd did not answer within 60 s:"
    tail -n 30 /tmp/dockerd.log >&2
    exit 1
  }
fi
log "docker engine $(timeout 15 docker version --format '{{.Server.Version}}') answers"

want_pnpm=$(node -p "require('$root/package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  log "installing pnpm $want_pnpm"
  npm install -g "pnpm@$want_pnpm" >/dev/null 2>&1
fi
log "pnpm $(pnpm --version)"
