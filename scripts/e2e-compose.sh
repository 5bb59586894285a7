#!/usr/bin/env bash
# End-to-end test of the deployment as users meet it: builds the real images with the real Dockerfiles, brings
# deploy/compose.yaml up (with deploy/compose.demo.yaml: the bundled GitHub simulator instead of GitHub), waits
# for health, creates and deletes a runner through the gateway's published port, checks that the orchestrator's
# port is not published and that /health reports the version the images were built with, then tears everything
# down and checks that no container, network or volume is left.
#
# Usage: bash scripts/e2e-compose.sh      (needs a Docker engine, `pnpm install` done, node, curl)
# Env:   E2E_VERSION (default 0.0.0-e2e): the version to build; E2E_KEEP=1 leaves the stack up on failure.
# Its own compose project (gha-e2e), orchestrator id and runner network, so it never touches the demo's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

project=gha-e2e
version=${E2E_VERSION:-0.0.0-e2e}
registry=gha-ephemeral
work="$root/.tmp/e2e"
env_file="$work/e2e.env"
started=$(date +%s)
passed=0
failed=0

log() { printf '[e2e %3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
pass() {
  passed=$((passed + 1))
  log "ok   $*"
}
fail() {
  failed=$((failed + 1))
  log "FAIL $*"
  exit 1
}

if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose_cmd=(docker-compose)
else
  echo "e2e-compose: docker compose (v2) or docker-compose (1.29) is needed" >&2
  exit 1
fi
# Bounded where coreutils' timeout exists (not on every macOS).
if command -v timeout >/dev/null 2>&1; then bounded=(timeout 300); else bounded=(); fi
compose() {
  ${bounded[@]+"${bounded[@]}"} "${compose_cmd[@]}" -p "$project" -f deploy/compose.yaml -f deploy/compose.demo.yaml \
    --env-file "$env_file" "$@"
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
random_hex() { node -e "console.log(require('crypto').randomBytes($1).toString('hex'))"; }
# json FILE EXPRESSION: evaluates EXPRESSION with `j` bound to the parsed file; prints the result.
json() { node -e "const j=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')); const v=($2); console.log(typeof v==='string'?v:JSON.stringify(v))" "$1"; }

# http METHOD URL [BODY]: the status code on stdout, the body in $work/body. Bounded.
http() {
  local method=$1 url=$2 body=${3:-}
  local args=(-s -o "$work/body" -w '%{http_code}' --max-time 30 -X "$method" -H "Authorization: Bearer $api_key")
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  curl "${args[@]}" "$url" || echo 000
}

# wait_until SECONDS DESCRIPTION COMMAND...: retries COMMAND every second until it succeeds, else fails.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + limit))
  until "$@"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail "$what (not within ${limit} s)"
    fi
    sleep 1
  done
}

remove_runner_containers() {
  local ids
  ids=$(docker ps -aq --filter label=gha-ephemeral.orchestrator=$project)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id a word
    docker rm -f $ids >/dev/null
  fi
}

teardown() {
  # Runner containers first: compose cannot remove the runners' network while they are attached to it.
  remove_runner_containers
  if [ -f "$env_file" ]; then
    compose down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  fi
  remove_runner_containers
}

leftovers() {
  {
    docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker ps -aq --filter "label=gha-ephemeral.orchestrator=$project"
    docker network ls -q --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "name=^${project}-runners$"
    docker volume ls -q --filter "label=com.docker.compose.project=$project"
  } | sort -u
}

on_exit() {
  local status=$?
  trap - EXIT
  if [ "$status" != 0 ] && [ -f "$env_file" ]; then
    log "the stack's last log lines:"
    compose logs --no-color --tail 40 2>&1 | sed 's/^/    /' || true
  fi
  if [ "$status" != 0 ] && [ "${E2E_KEEP:-0}" = 1 ]; then
    log "E2E_KEEP=1: leaving project $project up"
  else
    teardown
  fi
  # The env file holds the made-up token and the API key; the build logs matter only after a failure.
  if [ "$status" = 0 ]; then rm -rf "$work"; fi
  echo "e2e-compose: $passed passed, $failed failed"
  exit "$status"
}

mkdir -p "$work"
api_key=$(random_hex 24)

# A previous run that was killed may have left its stack: start clean.
if [ -n "$(leftovers)" ]; then
  log "removing what an earlier run left"
  # compose needs the variables its files require, whatever their values.
  printf 'GHA_EPHEMERAL_ENV_FILE=%s\nGITHUB_RUNNER_TOKEN=x\nRUNNER_NETWORK=%s-runners\n' "$env_file" "$project" >"$env_file"
  teardown
fi
trap on_exit EXIT

log "building the images (base, stand-in runner, simulator, then orchestrator and gateway at $version)"
bash scripts/build-local-images.sh >/dev/null
for service in orchestrator api-gateway; do
  build_started=$(date +%s)
  if ! bash "$service/scripts/build.sh" "$registry" "$version" >"$work/build-$service.log" 2>&1; then
    tail -n 40 "$work/build-$service.log"
    fail "building the $service image"
  fi
  log "built $registry/$service:$version ($(($(date +%s) - build_started)) s)"
done
for service in orchestrator api-gateway; do
  label=$(docker image inspect -f '{{ index .Config.Labels "org.opencontainers.image.version" }}' "$registry/$service:$version")
  [ "$label" = "$version" ] || fail "$service image's version label is \"$label\", expected $version"
done
pass "both images carry org.opencontainers.image.version=$version"

gateway_port=$(free_port)
orchestrator_port=$(free_port)
cat >"$env_file" <<EOF
GHA_EPHEMERAL_ENV_FILE=$env_file
REGISTRY=$registry
IMAGE_VERSION=$version
GITHUB_API_URL=http://github-sim:3000/api/v3
GITHUB_RUNNER_TOKEN=ghp_e2e$(random_hex 16)
GATEWAY_API_KEYS=$api_key
API_GATEWAY_PORT=$gateway_port
ORCHESTRATOR_PORT=$orchestrator_port
ORCHESTRATOR_ID=$project
RUNNER_IMAGE=gha-ephemeral/stand-in-runner:local
RUNNER_NETWORK=$project-runners
RUNNER_PURGE_INTERVAL=30
EOF

log "compose up (project $project, gateway on 127.0.0.1:$gateway_port)"
compose up -d --no-build >"$work/up.log" 2>&1 || {
  cat "$work/up.log"
  fail "compose up"
}
gateway="http://127.0.0.1:$gateway_port"
sim="http://$(compose port github-sim 3000 | tail -n 1)"
pass "compose up: gateway, orchestrator and simulator started, the gateway after the orchestrator was healthy"

gateway_healthy() { [ "$(http GET "$gateway/health")" = 200 ] && [ "$(json "$work/body" j.status)" = ok ]; }
wait_until 120 "the gateway's /health answers 200 ok" gateway_healthy
pass "gateway /health: 200, status ok"
reported=$(json "$work/body" j.version)
[ "$reported" = "$version" ] || fail "gateway /health reports version $reported, expected $version"
reported=$(json "$work/body" 'j.dependencies.orchestrator.version')
[ "$reported" = "$version" ] || fail "the orchestrator reports version $reported, expected $version"
pass "/health reports the built version $version (gateway and orchestrator)"

# The dashboard was built into the gateway's image: its page, its hashed script (cached for good), and its live stream.
[ "$(http GET "$gateway/ui")" = 200 ] || fail "the gateway's image serves no dashboard at /ui: $(cat "$work/body")"
asset=$(grep -o '/ui/assets/app-[A-Za-z0-9]*\.js' "$work/body" | head -n 1)
[ -n "$asset" ] || fail "the dashboard page names no script"
caching=$(curl -s -o /dev/null -D - --max-time 10 "$gateway$asset" | tr -d '\r' | grep -i '^cache-control:' || true)
case "$caching" in *immutable*) ;; *) fail "the dashboard's script is not served as immutable ($caching)" ;; esac
first=$(curl -s -N --max-time 5 -H "Authorization: Bearer $api_key" "$gateway/api/v1/events" | head -n 3 || true)
case "$first" in *'event: snapshot'*) ;; *) fail "the event stream did not start with a snapshot: $first" ;; esac
pass "the dashboard at /ui (page, immutable assets) and its event stream, from the built images"

orchestrator_container=$(compose ps -q orchestrator)
bindings=$(docker inspect -f '{{ json .NetworkSettings.Ports }}' "$orchestrator_container")
case "$bindings" in *HostPort*) fail "the orchestrator has a published port: $bindings" ;; esac
if node -e "const s=require('net').connect($orchestrator_port,'127.0.0.1');s.setTimeout(3000);s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1))"; then
  fail "something answers on 127.0.0.1:$orchestrator_port (the orchestrator's port) on the host"
fi
pass "the orchestrator's port $orchestrator_port is not published (no host binding, refused on the host)"
uid=$(docker exec "$orchestrator_container" sh -c "awk '/^Uid:/ {print \$2}' /proc/1/status")
[ "$uid" = 1000 ] || fail "the orchestrator runs as uid $uid, expected 1000 (node)"
socket_gid=$(docker exec "$orchestrator_container" stat -c %g /var/run/docker.sock)
docker exec "$orchestrator_container" grep -qE "^Groups:.*\b$socket_gid\b" /proc/1/status ||
  fail "the orchestrator is not in the Docker socket's group ($socket_gid)"
pass "the orchestrator runs as the node user (uid 1000) with the Docker socket's group"

# The orchestrator's API: a token made at this first start (the orchestrator-token service), required on every
# runner route, and a port that nothing on the orchestrator's way out (egress) reaches.
[ "$(docker inspect -f '{{ .State.ExitCode }}' "$(compose ps -q orchestrator-token)")" = 0 ] ||
  fail "the orchestrator-token service did not complete"
gateway_container=$(compose ps -q api-gateway)
# ask_orchestrator URL [TOKEN]: the status the orchestrator answers, or "none" when nothing answers in 3 s.
ask_js='const [url, token] = process.argv.slice(1);
fetch(url, { headers: token ? { authorization: "Bearer " + token } : {}, signal: AbortSignal.timeout(3000) })
  .then((r) => console.log(r.status), () => console.log("none"))'
api="http://orchestrator:$orchestrator_port/api/v1/runners"
[ "$(docker exec "$gateway_container" node -e "$ask_js" "$api")" = 401 ] ||
  fail "the orchestrator answers its API without the token"
[ "$(docker exec "$gateway_container" node -e "$ask_js" "$api" wrong-token)" = 401 ] ||
  fail "the orchestrator answers its API with a wrong token"
token=$(docker exec "$gateway_container" cat /run/gha-ephemeral/orchestrator-api-token)
[ "${#token}" -ge 32 ] || fail "the generated orchestrator API token is shorter than 32 characters"
[ "$(docker exec "$gateway_container" node -e "$ask_js" "$api" "$token")" = 200 ] ||
  fail "the orchestrator refuses the token from the orchestrator-token volume"
pass "the orchestrator's API needs the token made at the first start (401 without it or with a wrong one)"
egress_ip=$(docker inspect -f "{{ (index .NetworkSettings.Networks \"${project}_egress\").IPAddress }}" "$orchestrator_container")
answer=$(docker run --rm --network "${project}_egress" --entrypoint node "$registry/orchestrator:$version" \
  -e "$ask_js" "http://$egress_ip:$orchestrator_port/health")
[ "$answer" = none ] || fail "a container on the egress network reached the orchestrator ($answer)"
pass "a container put on the orchestrator's egress network cannot reach its port"

[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$gateway/api/v1/runners")" = 401 ] ||
  fail "GET /api/v1/runners without a key should answer 401"
pass "runner routes need the API key"

[ "$(http POST "$sim/_sim/repos" '{"owner":"octo","name":"e2e"}')" = 201 ] || fail "seeding the simulator: $(cat "$work/body")"
status=$(http POST "$gateway/api/v1/runners" '{"repository":"octo/e2e","labels":["e2e"]}')
[ "$status" = 201 ] || fail "POST /api/v1/runners answered $status: $(cat "$work/body")"
runner=$(json "$work/body" 'j.runners[0].id')
pass "POST /api/v1/runners through the gateway: 201, runner $runner"

container_running() { [ -n "$(docker ps -q --filter "label=gha-ephemeral.runner=$runner")" ]; }
wait_until 60 "runner $runner's container runs" container_running
sim_has_runner() {
  [ "$(http GET "$sim/_sim/runners?repo=octo/e2e")" = 200 ] &&
    [ "$(json "$work/body" "(Array.isArray(j) ? j : j.runners).filter(r => r.name === '$runner').length")" = 1 ]
}
wait_until 60 "runner $runner registers with the simulator" sim_has_runner
[ "$(http GET "$gateway/api/v1/runners/$runner")" = 200 ] || fail "GET /api/v1/runners/$runner: $(cat "$work/body")"
pass "runner $runner: container running, registered with GitHub (the simulator), listed by the gateway"

# What a job step could try from inside the runner: the orchestrator and the gateway on their gha-network
# addresses are out of its reach (Docker isolates the runner network from gha-network).
runner_container=$(docker ps -q --filter "label=gha-ephemeral.runner=$runner")
ip_on() { docker inspect -f "{{ (index .NetworkSettings.Networks \"${project}_gha-network\").IPAddress }}" "$1"; }
probe_js='const [host, port] = process.argv[1].split(":");
const s = require("net").connect({ host, port: Number(port), timeout: 3000 });
const end = (what) => { console.log(what); s.destroy(); };
s.on("connect", () => end("reached")); s.on("error", () => end("refused")); s.on("timeout", () => end("refused"));'
for target in "orchestrator=$(ip_on "$orchestrator_container"):$orchestrator_port" "gateway=$(ip_on "$gateway_container"):$gateway_port"; do
  case "${target#*=}" in :*) fail "no address of the ${target%%=*} on gha-network to probe" ;; esac
  answer=$(docker exec "$runner_container" node -e "$probe_js" "${target#*=}")
  [ "$answer" = refused ] || fail "a runner reached the ${target%%=*} at ${target#*=} ($answer)"
done
pass "a runner reaches neither the orchestrator nor the gateway on their internal addresses"

status=$(http DELETE "$gateway/api/v1/runners/$runner")
case "$status" in 202 | 204) ;; *) fail "DELETE /api/v1/runners/$runner answered $status: $(cat "$work/body")" ;; esac
runner_gone() {
  [ "$(http GET "$gateway/api/v1/runners/$runner")" = 404 ] && ! container_running && ! sim_has_runner
}
wait_until 60 "runner $runner is gone (gateway 404, no container, no registration)" runner_gone
pass "DELETE /api/v1/runners/$runner: $status, then gone from the gateway, Docker and GitHub"

log "tearing down"
teardown
left=$(leftovers)
[ -z "$left" ] || fail "left behind after teardown: $(echo "$left" | tr '\n' ' ')"
pass "teardown left no container, network or volume"
log "done in $(($(date +%s) - started)) s"
