#!/usr/bin/env bash
# Builds the simulator image gha-ephemeral/github-sim:local: bundles src/cli.ts with its dependencies into one
# file (esbuild, from node_modules) and puts it on the local node:20-bookworm-slim. Needs `pnpm install` done.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${GITHUB_SIM_IMAGE:-gha-ephemeral/github-sim:local}"
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT

"$here/node_modules/.bin/esbuild" "$here/src/cli.ts" --bundle --platform=node --target=node20 --format=cjs \
  --outfile="$context/github-sim.cjs" --log-level=warning
cp "$here/docker/Dockerfile" "$context/Dockerfile"
docker build --quiet --label gha-ephemeral.image=github-sim -t "$tag" "$context" >/dev/null
echo "$tag"
