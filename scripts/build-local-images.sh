#!/usr/bin/env bash
# Builds the images the tests and the demo need, with no registry: the offline base image (when it cannot be
# pulled) and the stand-in runner image. Needs `pnpm install` done first (the stand-in runner is compiled by tsc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/offline-base-images.sh"
bash "$root/packages/stand-in-runner/scripts/build-image.sh"
