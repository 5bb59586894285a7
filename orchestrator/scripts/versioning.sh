#!/bin/sh
# Sets the orchestrator's version where everything reads it: src/version.ts (GET /health reports it; the
# APP_VERSION variable still overrides it at run time) and package.json (build.sh labels the image with it).
# With no argument, prints the current version.
#
# Usage: orchestrator/scripts/versioning.sh [VERSION]     VERSION is semver; a leading "v" (a tag) is dropped.
# POSIX sh and node only: it also runs inside the image's build stage.
set -eu
service_dir=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
exec node - "$service_dir" "$@" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [dir, wanted] = process.argv.slice(2);
const manifestPath = join(dir, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
if (wanted === undefined || wanted === '') {
  console.log(manifest.version);
  process.exit(0);
}
const version = wanted.replace(/^v(?=\d)/, '');
// semver.org's pattern: MAJOR.MINOR.PATCH, optional -pre-release and +build.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
if (!SEMVER.test(version)) {
  console.error(`versioning.sh: "${wanted}" is not a semantic version (like 1.2.3 or v1.2.3-rc.1)`);
  process.exit(2);
}
const versionPath = join(dir, 'src', 'version.ts');
const source = readFileSync(versionPath, 'utf8');
const line = /^export const VERSION = '[^']*';$/m;
if (!line.test(source)) {
  console.error(`versioning.sh: no "export const VERSION = '...';" line in ${versionPath}`);
  process.exit(1);
}
writeFileSync(versionPath, source.replace(line, `export const VERSION = '${version}';`));
manifest.version = version;
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(version);
JS
