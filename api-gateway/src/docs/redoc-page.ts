/**
 * The ReDoc page. Paths are relative to the page's own URL so that the docs also work behind a proxy that mounts
 * the gateway under a prefix: `assets` is where the bundle is, `spec` where the document is.
 */
export function redocPage(paths: { assets: string; spec: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gha-ephemeral-runners API — ReDoc</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="${paths.spec}openapi.json"></redoc>
<script src="${paths.assets}redoc.standalone.js"></script>
</body>
</html>
`;
}
