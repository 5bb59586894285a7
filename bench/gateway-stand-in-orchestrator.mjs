// A stand-in for the orchestrator, used by gateway.mjs only when the real one cannot run on this machine (no
// Docker engine, or not built): it answers GET /health and GET /api/v1/runners with fixed JSON, in its own process.
import { createServer } from 'node:http';

const port = Number(process.env.ORCHESTRATOR_PORT ?? 0);
const runners = Array.from({ length: Number(process.env.BENCH_RUNNERS ?? 3) }, (_, i) => ({
  id: `bench-runner-${i + 1}`,
  name: `bench-runner-${i + 1}`,
  status: 'idle',
  scope: 'repository',
  target: 'octo/bench',
  labels: ['self-hosted', 'Linux', 'X64'],
  image: 'gha-ephemeral/stand-in-runner:local',
  containerId: 'f'.repeat(64),
  createdAt: new Date().toISOString(),
  githubRunnerId: i + 1,
  busy: false,
  jobId: null,
}));
const list = JSON.stringify({ runners, total: runners.length });
const health = JSON.stringify({
  status: 'ok',
  service: 'orchestrator',
  version: 'stand-in',
  uptimeSeconds: 0,
  dependencies: {},
});

createServer((request, response) => {
  const path = (request.url ?? '').split('?')[0];
  const body = path === '/health' ? health : path === '/api/v1/runners' || path === '/runners' ? list : null;
  response.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body ?? '{"code":"request.not_found","message":"no such route"}');
}).listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => process.exit(0));
