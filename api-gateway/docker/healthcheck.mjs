// Docker's HEALTHCHECK for the api-gateway: exit 0 when GET /health answers 200 (the gateway works and the
// orchestrator answers), 1 otherwise (503: the orchestrator cannot be reached). node only, since the image has
// no curl. Bounded well inside the check's timeout.
const port = process.env.API_GATEWAY_PORT || '8080';
const host = process.env.API_GATEWAY_HOST;
// A wildcard listen address is reached on loopback; a specific one is where the service is.
const target = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

try {
  const response = await fetch(`http://${target.includes(':') ? `[${target}]` : target}:${port}/health`, {
    signal: AbortSignal.timeout(4000),
  });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
