#!/usr/bin/env bash
# Builds the stand-in runner: compiles dist/ (tsc -b) and the image gha-ephemeral/stand-in-runner:local.
# Nothing is pulled: the base image node:20-bookworm-slim must exist locally (scripts/offline-base-images.sh); the
# engine sidecar image, which gives the docker CLI, is built first when missing (scripts/build-dind-image.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
tag="${STAND_IN_RUNNER_IMAGE:-gha-ephemeral/stand-in-runner:local}"
dind="${DIND_IMAGE:-gha-ephemeral/dind:local}"

docker image inspect "$dind" >/dev/null 2>&1 || DIND_IMAGE="$dind" bash "$root/scripts/build-dind-image.sh" >/dev/null
"$root/node_modules/.bin/tsc" -b "$here"
docker build --quiet --label gha-ephemeral.image=stand-in-runner --build-arg "DIND_IMAGE=$dind" -t "$tag" \
  -f "$here/docker/Dockerfile" "$here" >/dev/null
echo "$tag"
