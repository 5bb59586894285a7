#!/usr/bin/env bash
# Builds the images the tests and the demo need, with no registry: the offline base image (when it cannot be
# pulled), the Docker engine sidecar of `docker: dind` pools, the stand-in runner image (which takes its docker CLI
# from the sidecar image) and the GitHub simulator's image. Needs `pnpm install` done first (both are
# built from this checkout, with tsc and esbuild). The service images: {orchestrator,api-gateway}/scripts/build.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/offline-base-images.sh"
bash "$root/scripts/build-dind-image.sh" >/dev/null
bash "$root/packages/stand-in-runner/scripts/build-image.sh"
bash "$root/packages/github-sim/scripts/build-image.sh"
