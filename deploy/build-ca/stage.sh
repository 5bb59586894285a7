#!/usr/bin/env bash
# Puts the host's extra CA certificate into deploy/build-ca/ for the images' build stage (see README.md here).
# Which file: BUILD_CA_FILE when set ("none" for no file), else NODE_EXTRA_CA_CERTS when set, else none.
# Idempotent and quiet when there is nothing to do; prints one line when it trusts a file.
# Usage: bash deploy/build-ca/stage.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target="$here/host-extra-ca.crt"
source_file=${BUILD_CA_FILE:-${NODE_EXTRA_CA_CERTS:-}}

if [ -z "$source_file" ] || [ "$source_file" = none ]; then
  rm -f "$target"
  exit 0
fi
if [ ! -r "$source_file" ]; then
  echo "[build-ca] $source_file (BUILD_CA_FILE or NODE_EXTRA_CA_CERTS) cannot be read" >&2
  exit 1
fi
# Rewrite only on change: an unchanged file keeps the builder's cache for the layers after it.
if ! cmp -s "$source_file" "$target"; then
  cp "$source_file" "$target"
  chmod 0644 "$target"
fi
echo "[build-ca] the build stage trusts $source_file (never the runtime image)" >&2
