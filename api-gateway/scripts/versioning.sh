#!/bin/sh
# Sets the api-gateway's version where everything reads it: src/version.ts (GET /health and the OpenAPI document
# report it; the APP_VERSION variable still overrides it at run time), package.json (build.sh labels the image
# with it) and the committed docs/openapi.json (its info.version, so the check that it is current still passes).
# With no argument, prints the current version.
#
# Usage: api-gateway/scripts/versioning.sh [VERSION]     VERSION is semver; a leading "v" (a tag) is dropped.
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
const openApiPath = join(dir, 'docs', 'openapi.json');
let openApi = null;
try {
  openApi = JSON.parse(readFileSync(openApiPath, 'utf8'));
} catch {
  // Not every copy of the sources carries the generated document (an image's build stage may not).
}
if (openApi !== null) {
  openApi.info.version = version;
  writeFileSync(openApiPath, `${JSON.stringify(openApi, null, 2)}\n`);
}
console.log(version);
JS
