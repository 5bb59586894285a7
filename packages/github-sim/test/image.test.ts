import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const IMAGE = 'gha-ephemeral/github-sim:local';
const RUN = randomUUID();

async function docker(args: string[]): Promise<string> {
  return (await exec('docker', args, { timeout: 120_000 })).stdout.trim();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('simulator image', () => {
  let port = 0;
  let base = '';

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await exec('bash', [fileURLToPath(new URL('../scripts/build-image.sh', import.meta.url))], {
      timeout: 300_000,
    });
    const seed = JSON.stringify({
      orgs: [{ login: 'acme', members: ['alice'] }],
      repos: [{ owner: 'acme', name: 'app' }],
    });
    await docker([
      'run',
      '-d',
      '--network',
      'host',
      '--label',
      'gha-ephemeral.test=1',
      '--label',
      `gha-ephemeral.test.run=${RUN}`,
      '-e',
      `GITHUB_SIM_PORT=${port}`,
      '-e',
      'GITHUB_SIM_TOKENS=ghp_img:alice',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      `printf '%s' '${seed}' > /tmp/seed.json && GITHUB_SIM_SEED=/tmp/seed.json exec node /app/github-sim.cjs`,
    ]);
    for (let i = 0; i < 50; i += 1) {
      if (
        await fetch(`${base}/_sim/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `the simulator container did not answer: ${await docker(['logs', ...(await docker(['ps', '-aq', '--filter', `label=gha-ephemeral.test.run=${RUN}`])).split('\n')])}`,
    );
  }, 300_000);

  afterAll(async () => {
    const ids = (await docker(['ps', '-aq', '--filter', `label=gha-ephemeral.test.run=${RUN}`]))
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(['rm', '-f', ...ids]);
  });

  it('serves the REST API with seeded state and tokens, and is driven over /_sim', async () => {
    const repo = await fetch(`${base}/api/v3/repos/acme/app`, {
      headers: { authorization: 'token ghp_img' },
    });
    expect(repo.status).toBe(200);
    expect(await repo.json()).toMatchObject({ full_name: 'acme/app', private: true });
    const queued = await fetch(`${base}/_sim/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repo: 'acme/app', labels: ['self-hosted'] }),
    });
    expect(queued.status).toBe(201);
    const runs = await fetch(`${base}/api/v3/repos/acme/app/actions/runs?status=queued`, {
      headers: { authorization: 'token ghp_img' },
    });
    expect(((await runs.json()) as { total_count: number }).total_count).toBe(1);
  });
});
