#!/usr/bin/env bash
# Builds the GitHub simulator's image (gha-ephemeral/github-sim:local) for the demo and the end-to-end test.
# Like the stand-in runner's image, it is made from this checkout: tsc compiles the simulator, and its production
# dependencies are installed from the lockfile into a staging folder with `pnpm install --offline`, from the store
# that `pnpm install` filled. No network, no registry; needs `pnpm install` done and node:20-bookworm-slim present
# (scripts/offline-base-images.sh). Prints the image reference.
set -euo pipefail
sim_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$sim_dir/../.." && pwd)"
tag="${GITHUB_SIM_IMAGE:-gha-ephemeral/github-sim:local}"
package=@gha-ephemeral/github-sim

"$root/node_modules/.bin/tsc" -b "$sim_dir"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Every manifest (a frozen install needs the workspace to match the lockfile), then the compiled packages.
(
  cd "$root"
  find . \( -name node_modules -o -name .git -o -name dist -o -name .tmp \) -prune -o -name package.json -print |
    tar -cf - -T - pnpm-lock.yaml pnpm-workspace.yaml .npmrc
) | tar -C "$stage" -xf -
(cd "$root" && pnpm ls --parseable --depth -1 --filter-prod "$package...") | while read -r dir; do
  cp -R "$dir/dist" "$stage/${dir#"$root"/}/"
done
(cd "$stage" && pnpm install --frozen-lockfile --prod --offline --filter-prod "$package..." --reporter=silent)
cp "$sim_dir/docker/healthcheck.mjs" "$stage/healthcheck.mjs"

docker build --quiet --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:20-bookworm-slim}" \
  -t "$tag" -f "$sim_dir/docker/Dockerfile" "$stage" >/dev/null
echo "$tag"
