// Bundles the dashboard (src/main.tsx and its CSS) into dist/: content-hashed, minified assets under
// dist/assets/ and an index.html that only links them (no inline script or style: the gateway's CSP is
// `default-src 'self'`). Usage: node build.mjs (the package's `build` script typechecks first).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** Where the gateway serves dist/ (api-gateway/src/ui). */
const BASE = '/ui/';

/** A tab icon as a data: URL (the CSP allows `img-src data:`): a runner's box, in the page's accent colour. */
const ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1.5" y="1.5" width="13" height="13" ' +
      'rx="3" fill="#0969da"/><path d="M5 5.5 8 8l-3 2.5M8.5 11h3" stroke="#fff" stroke-width="1.6" ' +
      'fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  );

const escape = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function page({ script, style }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <meta name="referrer" content="no-referrer">
    <title>Runners dashboard · gha-ephemeral-runners</title>
    <link rel="icon" href="${escape(ICON)}">
    <link rel="stylesheet" href="${BASE}${style}">
    <script type="module" src="${BASE}${script}"></script>
  </head>
  <body>
    <div id="app">
      <noscript><p>This dashboard needs JavaScript. The same data is in the API: see <a href="/docs">/docs</a>.</p></noscript>
    </div>
  </body>
</html>
`;
}

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  charset: 'utf8',
  legalComments: 'eof',
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const find = (extension) => {
  const name = outputs.find((file) => file.startsWith('app-') && file.endsWith(extension));
  if (name === undefined) throw new Error(`esbuild wrote no app-*${extension}: ${outputs.join(', ')}`);
  return `assets/${name}`;
};
// Compressed once here, so that the gateway (which compresses nothing itself) sends a third of the bytes.
for (const file of outputs.filter((name) => /\.(js|css)$/.test(name))) {
  const path = join(dist, 'assets', file);
  const content = await readFile(path);
  await writeFile(`${path}.gz`, gzipSync(content, { level: 9 }));
  await writeFile(
    `${path}.br`,
    brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}
await writeFile(join(dist, 'index.html'), page({ script: find('.js'), style: find('.css') }));
console.log(`dashboard: built ${outputs.join(', ')} and index.html into ${dist}`);
