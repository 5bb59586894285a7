import type { GitHubSim } from '../../github-sim/src/index.js';

/** The token the image tests give the simulator (user alice, a member of acme). */
export const ACCESS_TOKEN = 'ghp_image_tests';

/** A registration token for `path` (`/repos/acme/app` or `/orgs/acme`). */
export async function registrationToken(sim: GitHubSim, path: string): Promise<string> {
  const res = await fetch(`${sim.apiUrl}${path}/actions/runners/registration-token`, {
    method: 'POST',
    headers: { authorization: `token ${ACCESS_TOKEN}` },
  });
  return ((await res.json()) as { token: string }).token;
}

/** An encoded JIT config for a runner of acme/app. */
export async function jitConfig(sim: GitHubSim, name: string, labels: string[]): Promise<string> {
  const res = await fetch(`${sim.apiUrl}/repos/acme/app/actions/runners/generate-jitconfig`, {
    method: 'POST',
    headers: { authorization: `token ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, runner_group_id: 1, labels }),
  });
  return ((await res.json()) as { encoded_jit_config: string }).encoded_jit_config;
}

/** Waits until the simulator lists the runner as online. */
export async function waitOnline(sim: GitHubSim, name: string): Promise<void> {
  await sim.control.waitFor(() => sim.control.getRunnerByName(name)?.status === 'online', {
    timeoutMs: 30_000,
  });
}
