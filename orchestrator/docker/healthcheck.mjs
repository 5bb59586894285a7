// Docker's HEALTHCHECK for the orchestrator: exit 0 when GET /health answers 200 (the engine and GitHub are
// reachable), 1 otherwise. node only, since the image has no curl. Bounded well inside the check's timeout.
const port = process.env.ORCHESTRATOR_PORT || '8000';
const host = process.env.ORCHESTRATOR_HOST;
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
