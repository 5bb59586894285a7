// Docker's HEALTHCHECK for the simulator: exit 0 when GET /_sim/health answers 200. node only (no curl here).
const port = process.env.GITHUB_SIM_PORT || '3000';
try {
  const response = await fetch(`http://127.0.0.1:${port}/_sim/health`, { signal: AbortSignal.timeout(2500) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
