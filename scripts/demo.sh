#!/usr/bin/env bash
# `pnpm demo` / `pnpm demo:down`: the whole system on the local Docker engine, against the bundled GitHub
# simulator. No token, no GitHub, no image registry: the base image is prepared from this host's node when it
# cannot be pulled (scripts/offline-base-images.sh), and the images are built from this checkout (the service
# images' build stage downloads npm packages, from the registry or NPM_REGISTRY).
#
#   bash scripts/demo.sh up     builds, starts (compose project gha-demo), queues sample jobs, shows runners
#                               take them and vanish, prints a summary and the URLs; the stack stays up
#   bash scripts/demo.sh down   removes everything `up` started: containers (runners included), networks,
#                               volumes, and the API key file
# Env: DEMO_PORT (8080) the gateway's port on 127.0.0.1; DEMO_AUTO (see below).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Automatic mode: with true, the orchestrator starts runners for queued jobs by itself (AUTO_CREATE_RUNNERS)
# and the demo only watches; with false, the demo asks for runners through POST /api/v1/runners.
auto=${DEMO_AUTO:-true}

project=gha-demo
port=${DEMO_PORT:-8080}
work="$root/.tmp/demo"
env_file="$work/demo.env"
key_file="$work/api-key"
registry=gha-ephemeral
version=$(sh orchestrator/scripts/versioning.sh)
started=$(date +%s)

say() { printf '[demo %3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
die() {
  say "$*" >&2
  exit 1
}

if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
  compose_hint="docker compose -p $project"
elif command -v docker-compose >/dev/null 2>&1; then
  compose_cmd=(docker-compose)
  compose_hint="docker-compose -p $project"
else
  die "docker compose (v2) or docker-compose (1.29) is needed"
fi
# Bounded where coreutils' timeout exists (not on every macOS).
if command -v timeout >/dev/null 2>&1; then bounded=(timeout 300); else bounded=(); fi
compose() {
  ${bounded[@]+"${bounded[@]}"} "${compose_cmd[@]}" -p "$project" -f deploy/compose.yaml -f deploy/compose.demo.yaml \
    --env-file "$env_file" "$@"
}

remove_runner_containers() {
  local ids
  ids=$(docker ps -aq --filter "label=gha-ephemeral.orchestrator=$project")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id a word
    docker rm -f $ids >/dev/null
  fi
}

down() {
  mkdir -p "$work"
  if [ ! -f "$env_file" ]; then
    # compose needs the variables its files require, whatever their values, to know what to remove.
    printf 'GHA_EPHEMERAL_ENV_FILE=%s\nGITHUB_RUNNER_TOKEN=x\nRUNNER_NETWORK=%s-runners\n' "$env_file" "$project" >"$env_file"
  fi
  # Runner containers first: the runners' network cannot be removed while they are attached to it.
  remove_runner_containers
  compose down --volumes --remove-orphans --timeout 10
  remove_runner_containers
  rm -rf "$work"
  say "removed the demo: containers, networks, volumes and the API key file"
}

port_free() {
  node -e "require('net').createServer().once('error',()=>process.exit(1)).listen($1,'127.0.0.1',function(){this.close()})"
}

wait_for_gateway() {
  local deadline=$(($(date +%s) + 180))
  until curl -fsS --max-time 5 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"status":"ok"'; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      compose ps >&2 || true
      compose logs --no-color --tail 30 >&2 || true
      die "the gateway did not report healthy within 180 s (logs above)"
    fi
    sleep 2
  done
}

build_images() {
  say "building images (base image offline when needed, stand-in runner, GitHub simulator)"
  bash scripts/build-local-images.sh >/dev/null
  local service log
  for service in orchestrator api-gateway; do
    log="$work/build-$service.log"
    say "building $registry/$service:$version with $service/docker/Dockerfile (log: ${log#"$root"/})"
    if ! bash "$service/scripts/build.sh" "$registry" "$version" >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      die "building the $service image failed (full log: $log)"
    fi
  done
}

write_env() {
  local api_key token
  api_key=$(node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))")
  token="ghp_demo$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))")"
  (umask 077 && printf '%s\n' "$api_key" >"$key_file")
  cat >"$env_file" <<EOF
# Written by scripts/demo.sh for compose project $project; removed by pnpm demo:down.
GHA_EPHEMERAL_ENV_FILE=$env_file
REGISTRY=$registry
IMAGE_VERSION=$version
GITHUB_API_URL=http://github-sim:3000/api/v3
GITHUB_RUNNER_TOKEN=$token
GATEWAY_API_KEYS=$api_key
API_GATEWAY_PORT=$port
API_GATEWAY_BIND=127.0.0.1
ORCHESTRATOR_ID=$project
RUNNER_IMAGE=gha-ephemeral/stand-in-runner:local
RUNNER_NETWORK=$project-runners
MAX_RUNNERS=6
AUTO_CREATE_RUNNERS=$auto
RUNNER_CHECK_INTERVAL=3
# The demo creates its repositories after the start: look for new ones often.
DISCOVERY_REFRESH_INTERVAL=10
RUNNER_PURGE_INTERVAL=30
LOG_FORMAT=pretty
EOF
  chmod 600 "$env_file"
}

up() {
  command -v node >/dev/null || die "node is needed (20.19 or newer)"
  docker info >/dev/null 2>&1 || die "no Docker engine answers (DOCKER_HOST, else /var/run/docker.sock)"
  [ -x node_modules/.bin/tsc ] || die "run pnpm install first"
  mkdir -p "$work"
  if [ -n "$(docker ps -q --filter "label=com.docker.compose.project=$project")" ]; then
    say "a demo is already running: replacing it"
    down >/dev/null
    mkdir -p "$work"
  fi
  port_free "$port" || die "port $port on 127.0.0.1 is taken: run with DEMO_PORT=another port"

  build_images
  write_env
  say "starting gateway, orchestrator and GitHub simulator (compose project $project)"
  compose up -d --no-build >"$work/up.log" 2>&1 || {
    cat "$work/up.log" >&2
    die "compose up failed"
  }
  wait_for_gateway
  local sim_address
  sim_address=$(compose port github-sim 3000 | tail -n 1)
  say "the gateway is healthy at http://127.0.0.1:$port"
  echo

  local watch_status=0
  DEMO_GATEWAY_URL="http://127.0.0.1:$port" DEMO_SIM_URL="http://$sim_address" DEMO_API_KEY="$(cat "$key_file")" \
    DEMO_AUTO="$auto" node scripts/demo-watch.mjs || watch_status=$?

  cat <<EOF

  Gateway   http://127.0.0.1:$port            (the only published port)
  API docs  http://127.0.0.1:$port/docs       (ReDoc: /redoc, OpenAPI: /openapi.json)
  API key   $(cat "$key_file")
            (in ${key_file#"$root"/}; a new one each run)
  Try       curl -H "Authorization: Bearer \$(cat ${key_file#"$root"/})" http://127.0.0.1:$port/api/v1/runners
  Logs      $compose_hint logs -f
  Stop      pnpm demo:down

EOF
  say "done; the stack stays up until pnpm demo:down"
  return "$watch_status"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) die "usage: scripts/demo.sh up|down" ;;
esac
