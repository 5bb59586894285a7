#!/usr/bin/env bash
# `pnpm demo` / `pnpm demo:down`: the whole system on the local Docker engine, against the bundled GitHub
# simulator. No token, no GitHub, no image registry: the base image is prepared from this host's node when it
# cannot be pulled (scripts/offline-base-images.sh), and the images are built from this checkout (the service
# images' build stage downloads npm packages, from the registry or NPM_REGISTRY).
#
#   bash scripts/demo.sh up [--polling | --scaleset]
#       installs the dependencies when node_modules is missing (a fresh clone), builds, starts (compose project
#       gha-demo), queues sample jobs, shows runners take them and vanish, prints a summary (with each job's
#       time from queued to running) and the URLs; the stack stays up
#   bash scripts/demo.sh down
#       removes everything `up` started: containers (runners included), networks, volumes, and the API key file
# `pnpm demo -- --polling` (or DEMO_MODE=polling) is the polling variant, `pnpm demo -- --scaleset` (or
# DEMO_MODE=scaleset) the scale-set variant, below.
# Env: DEMO_PORT (8080) the gateway's port on 127.0.0.1; DEMO_AUTO and DEMO_MODE (see below).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Automatic mode: with true, the orchestrator starts runners for queued jobs by itself (AUTO_CREATE_RUNNERS)
# and the demo only watches; with false, the demo asks for runners through POST /api/v1/runners.
auto=${DEMO_AUTO:-true}
# How the orchestrator hears of queued jobs. webhooks: the simulator signs `workflow_job` deliveries and posts
# them to the gateway, as a GitHub webhook does, so a runner starts well under a second after its job is queued
# (polling stays on, slowly, as the safety net it is in production). polling: no webhook; the orchestrator finds
# queued jobs by asking GitHub every RUNNER_CHECK_INTERVAL (3 s here), so runners start seconds later.
# scaleset: the pools of scripts/demo-scaleset-pools.yaml are runner scale sets; GitHub assigns them their jobs
# and the orchestrator's listener long-polls GitHub's Actions service for them: no webhook, no public endpoint,
# no polling for queued jobs.
mode=${DEMO_MODE:-webhooks}

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

# env_value NAME: NAME's value in the env file written by write_env.
env_value() { sed -n "s/^$1=//p" "$env_file"; }

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
  local service log="$work/build-local-images.log"
  say "building images (base image offline when needed, stand-in runner, GitHub simulator; log: ${log#"$root"/})"
  if ! bash scripts/build-local-images.sh >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "building the local images failed (full log: $log)"
  fi
  for service in orchestrator api-gateway; do
    log="$work/build-$service.log"
    say "building $registry/$service:$version with $service/docker/Dockerfile (log: ${log#"$root"/})"
    if ! bash "$service/scripts/build.sh" "$registry" "$version" >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      die "building the $service image failed (full log: $log)"
    fi
  done
}

random_text() { node -e "console.log(require('crypto').randomBytes($1).toString('base64url'))"; }

write_env() {
  local api_key token webhook_secret='' check_interval=3 pools=''
  api_key=$(random_text 24)
  token="ghp_demo$(node -e "console.log(require('crypto').randomBytes(16).toString('hex'))")"
  if [ "$mode" = webhooks ]; then
    webhook_secret=$(random_text 32)
    # Webhooks start the runners; the poller only catches a delivery that was lost, as in production.
    check_interval=30
  fi
  if [ "$mode" = scaleset ]; then
    # Only the scale sets' listeners start runners; the check loop then only reconciles.
    check_interval=30
    pools="RUNNER_POOLS_FILE=/etc/gha-ephemeral/pools.yaml
POOLS_FILE=$root/scripts/demo-scaleset-pools.yaml"
  fi
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
# Empty in polling mode: the gateway then answers deliveries 503, and the simulator has no hook to send them.
GITHUB_WEBHOOK_SECRET=$webhook_secret
RUNNER_CHECK_INTERVAL=$check_interval
# The demo creates its repositories after the start: look for new ones often.
DISCOVERY_REFRESH_INTERVAL=10
RUNNER_PURGE_INTERVAL=30
LOG_FORMAT=pretty
$pools
EOF
  chmod 600 "$env_file"
}

# A fresh clone has no node_modules; the images of the simulator and the stand-in runner are bundled from this
# checkout with its build tools (esbuild, tsc), so install them from the lockfile first, as CI does.
ensure_dependencies() {
  [ -x node_modules/.bin/tsc ] && [ -x node_modules/.bin/esbuild ] && return 0
  command -v pnpm >/dev/null || die "pnpm is needed to install the dependencies (corepack enable, or npm install -g pnpm)"
  local log="$work/install.log"
  say "installing the dependencies (pnpm install --frozen-lockfile; first run only, about a minute; log: ${log#"$root"/})"
  if ! pnpm install --frozen-lockfile >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "pnpm install --frozen-lockfile failed (full log: $log)"
  fi
}

up() {
  command -v node >/dev/null || die "node is needed (20.19 or newer)"
  docker info >/dev/null 2>&1 || die "no Docker engine answers (DOCKER_HOST, else /var/run/docker.sock)"
  mkdir -p "$work"
  ensure_dependencies
  if [ -n "$(docker ps -q --filter "label=com.docker.compose.project=$project")" ]; then
    say "a demo is already running: replacing it"
    down >/dev/null
    mkdir -p "$work"
  fi
  port_free "$port" || die "port $port on 127.0.0.1 is taken: run with DEMO_PORT=another port"

  build_images
  write_env
  local sim_address
  : >"$work/up.log"
  if [ "$mode" = scaleset ]; then start_simulator_first; fi
  say "starting gateway, orchestrator and GitHub simulator (compose project $project, $mode)"
  compose up -d --no-build >>"$work/up.log" 2>&1 || {
    cat "$work/up.log" >&2
    die "compose up failed"
  }
  wait_for_gateway
  sim_address=$(compose port github-sim 3000 | tail -n 1)
  say "the gateway is healthy at http://127.0.0.1:$port"
  echo

  local watch_status=0 webhook_url=''
  # The simulator reaches the gateway by its service name on `edge` (compose.demo.yaml), as GitHub would reach
  # its public address; the gateway listens on the same port inside as on the host.
  if [ "$mode" = webhooks ]; then webhook_url="http://api-gateway:$port/webhooks/github"; fi
  DEMO_GATEWAY_URL="http://127.0.0.1:$port" DEMO_SIM_URL="http://$sim_address" DEMO_API_KEY="$(cat "$key_file")" \
    DEMO_AUTO="$auto" DEMO_WEBHOOK_URL="$webhook_url" DEMO_WEBHOOK_SECRET="$(env_value GITHUB_WEBHOOK_SECRET)" \
    DEMO_MODE="$mode" DEMO_ORCHESTRATOR_CONTAINER="$(compose ps -q orchestrator 2>/dev/null | tail -n 1)" \
    DEMO_RUNNER_IMAGE="$(env_value RUNNER_IMAGE)" DEMO_RUNNER_NETWORK="$(env_value RUNNER_NETWORK)" \
    node scripts/demo-watch.mjs || watch_status=$?

  cat <<EOF

  Gateway   http://127.0.0.1:$port            (the only published port)
  Dashboard http://127.0.0.1:$port/ui         (sign in with the API key below)
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

# Scale-set mode: the orchestrator registers its scale sets in the demo's organization and repository as it
# starts, so the simulator comes up first and they are created before the orchestrator starts (else its listeners
# would wait, backing off, for them to appear).
start_simulator_first() {
  local deadline=$(($(date +%s) + 120)) address=''
  say "starting the GitHub simulator first and creating the demo's repositories (the scale sets are registered there)"
  compose up -d --no-build github-sim >>"$work/up.log" 2>&1 || {
    cat "$work/up.log" >&2
    die "compose up github-sim failed"
  }
  until [ -n "$address" ] && curl -fsS --max-time 5 "http://$address/_sim/health" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "the GitHub simulator did not answer within 120 s"
    sleep 1
    address=$(compose port github-sim 3000 2>/dev/null | tail -n 1)
  done
  DEMO_SIM_URL="http://$address" node --input-type=module -e "
    import { createRepositories } from './scripts/demo-scenario.mjs';
    await createRepositories(process.env.DEMO_SIM_URL);
  " || die "creating the demo's repositories in the simulator failed"
}

# up's options: pnpm passes what follows `pnpm demo` (`pnpm demo -- --polling` keeps the `--`).
read_up_options() {
  local option
  for option in "$@"; do
    case "$option" in
      --) ;;
      --polling) mode=polling ;;
      --webhooks) mode=webhooks ;;
      --scaleset) mode=scaleset ;;
      *) die "unknown option $option (usage: pnpm demo [-- --polling | --scaleset])" ;;
    esac
  done
  case "$mode" in
    webhooks | polling | scaleset) ;;
    *) die "DEMO_MODE must be webhooks, polling or scaleset, not $mode" ;;
  esac
}

command=${1:-up}
[ $# -gt 0 ] && shift
case "$command" in
  up)
    read_up_options "$@"
    up
    ;;
  down) down ;;
  *) die "usage: scripts/demo.sh up [--polling | --scaleset] | down" ;;
esac
