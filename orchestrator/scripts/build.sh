#!/usr/bin/env bash
# Builds the orchestrator's image with its real Dockerfile and prints the image reference.
# Usage: orchestrator/scripts/build.sh [registry] [version]; the options and environment are those of
# scripts/build-service-image.sh (REGISTRY, IMAGE_VERSION, APP_VERSION, TAG_LATEST, PUSH, BUILD_CA_FILE, NPM_REGISTRY).
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/build-service-image.sh" orchestrator "$@"
