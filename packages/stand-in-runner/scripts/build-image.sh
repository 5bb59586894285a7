#!/usr/bin/env bash
# Builds the stand-in runner: compiles dist/ (tsc -b) and the image gha-ephemeral/stand-in-runner:local.
# Nothing is pulled: the base image node:20-bookworm-slim must exist locally (scripts/offline-base-images.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
tag="${STAND_IN_RUNNER_IMAGE:-gha-ephemeral/stand-in-runner:local}"

"$root/node_modules/.bin/tsc" -b "$here"
docker build --quiet --label gha-ephemeral.image=stand-in-runner -t "$tag" -f "$here/docker/Dockerfile" "$here" >/dev/null
echo "$tag"
