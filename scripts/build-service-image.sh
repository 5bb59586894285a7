#!/usr/bin/env bash
# Builds a service's image with its real Dockerfile (SERVICE/docker/Dockerfile, context: the repository root)
# and prints the image reference on stdout; the build's own output goes to stderr. The services' own
# scripts/build.sh call this with their name.
#
# Usage: scripts/build-service-image.sh SERVICE [registry] [version]     SERVICE: orchestrator | api-gateway
#   registry  default $REGISTRY, else "gha-ephemeral" (a local name; ghcr.io/OWNER/gha-ephemeral to push there)
#   version   default $APP_VERSION, else $IMAGE_VERSION, else the service's own version (scripts/versioning.sh).
#             Semver; a leading "v" (a tag like v1.2.3) is dropped. It becomes the image tag, the image's
#             org.opencontainers.image.version label and the version GET /health reports.
# Environment:
#   TAG_LATEST=1      also tag REGISTRY/SERVICE:latest
#   PUSH=1            push the tags after building
#   BUILD_CA_FILE     a CA file the build stage trusts (a TLS-intercepting proxy); default NODE_EXTRA_CA_CERTS;
#                     "none" for none. It never reaches the runtime image (deploy/build-ca/README.md).
#   NPM_REGISTRY      an npm registry mirror for the build stage
#   NODE_IMAGE        the base image (default node:20-bookworm-slim; prepared offline when it cannot be pulled)
set -euo pipefail
service=${1:?usage: scripts/build-service-image.sh SERVICE [registry] [version]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here="$root/$service"
[ -f "$here/docker/Dockerfile" ] || { printf 'no such service: %s\n' "$service" >&2; exit 2; }
log() { printf '[%s build] %s\n' "$service" "$*" >&2; }

registry=${1:-${REGISTRY:-gha-ephemeral}}
registry=${registry%/}
version=${2:-${APP_VERSION:-${IMAGE_VERSION:-$(sh "$here/scripts/versioning.sh")}}}
version=${version#v}
image="$registry/$service:$version"

# The same check versioning.sh makes, before any work: a bad version should not cost a build.
if ! [[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
  log "\"$version\" is not a semantic version (like 1.2.3 or v1.2.3-rc.1)"
  exit 2
fi

node_image=${NODE_IMAGE:-node:20-bookworm-slim}
if ! docker image inspect "$node_image" >/dev/null 2>&1; then
  NODE_BASE_IMAGE=$node_image bash "$root/scripts/offline-base-images.sh"
fi
bash "$root/deploy/build-ca/stage.sh"

# The commit's date rather than now: building the same commit twice gives the same image, all from cache.
build_date() {
  local epoch
  epoch=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
  node -e 'console.log(new Date(Number(process.argv[1]) * 1000).toISOString().replace(/\.\d+Z$/, "Z"))' "$epoch"
}

args=(
  --file "$here/docker/Dockerfile"
  --tag "$image"
  --build-arg "NODE_IMAGE=$node_image"
  --build-arg "APP_VERSION=$version"
  --build-arg "VCS_REF=$(git -C "$root" rev-parse HEAD 2>/dev/null || true)"
  --build-arg "BUILD_DATE=$(build_date)"
)
tags=("$image")
if [ "${TAG_LATEST:-0}" = 1 ]; then
  tags+=("$registry/$service:latest")
  args+=(--tag "$registry/$service:latest")
fi
if [ -n "${NPM_REGISTRY:-}" ]; then
  args+=(--build-arg "NPM_REGISTRY=$NPM_REGISTRY")
fi

log "building $image"
started=$(date +%s)
docker build "${args[@]}" "$root" >&2
log "built $image in $(($(date +%s) - started)) s"

if [ "${PUSH:-0}" = 1 ]; then
  for tag in "${tags[@]}"; do
    docker push "$tag" >&2
  done
fi
echo "$image"
