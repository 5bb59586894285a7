// Automatic mode's cost in GitHub requests (issue 4): 1,000 repositories of which 20 use self-hosted runners, in
// the GitHub simulator. Measured in one run, with conditional requests (ETags, the product's behaviour) and
// without them (the baseline): the time of the first full discovery, the charged requests of one discovery
// refresh and of one poll for queued jobs in steady state, and from them the charged requests per hour at the
// default intervals (RUNNER_CHECK_INTERVAL=300 s, DISCOVERY_REFRESH_INTERVAL=3600 s).
// Settings: BENCH_REPOS (1000), BENCH_SELF_HOSTED (20), BENCH_POLLS (5).
import { startGitHubSim } from '../packages/github-sim/dist/index.js';
import {
  createOctokit,
  OctokitGitHub,
  analyzeWorkflow,
  usesSelfHostedRunners,
} from '../packages/github/dist/index.js';
import { createLogger } from '../packages/logging/dist/index.js';
import { JobPoller } from '../orchestrator/dist/signals/job-poller.js';

const workflow = (runsOn) =>
  `name: CI\non: [push]\njobs:\n  build:\n    runs-on: ${runsOn}\n    steps:\n      - run: echo hi\n`;

export function discoverySettings(env = process.env) {
  return {
    repos: Number(env.BENCH_REPOS ?? 1000),
    selfHosted: Number(env.BENCH_SELF_HOSTED ?? 20),
    polls: Number(env.BENCH_POLLS ?? 5),
    checkIntervalSeconds: 300,
    refreshIntervalSeconds: 3600,
  };
}

async function measure(sim, token, conditional, settings) {
  const { logger } = createLogger({
    service: 'bench',
    level: 'ERROR',
    format: 'json',
    destination: { write() {} },
  });
  const octokit = createOctokit({
    baseUrl: sim.apiUrl,
    auth: token,
    userAgent: 'gha-ephemeral-bench',
    logger,
    conditionalRequests: { enabled: conditional },
  });
  const poller = new JobPoller({
    source: new OctokitGitHub(octokit),
    usesSelfHosted: (text) => usesSelfHostedRunners(analyzeWorkflow(text)),
    mode: 'all',
    organizations: [],
    refreshIntervalMs: Number.MAX_SAFE_INTEGER,
    // The cost of discovery alone: every repository passes the public-repository rule.
    visibility: { allows: () => true },
    logger,
  });
  const started = performance.now();
  await poller.refresh();
  const firstDiscoveryMs = performance.now() - started;
  if (poller.watchedRepositories.length !== settings.selfHosted) {
    throw new Error(
      `discovery found ${poller.watchedRepositories.length} repositories, expected ${settings.selfHosted}`,
    );
  }
  sim.control.resetCounts();
  await poller.refresh();
  const refresh = sim.control.requestCounts();
  await poller.poll(); // warm-up: the first poll of each listing is a full (charged) answer either way
  sim.control.resetCounts();
  for (let i = 0; i < settings.polls; i++) await poller.poll();
  const polls = sim.control.requestCounts();
  const pollsPerHour = 3600 / settings.checkIntervalSeconds;
  const refreshesPerHour = 3600 / settings.refreshIntervalSeconds;
  const chargedPerPoll = polls.charged / settings.polls;
  return {
    conditional,
    firstDiscoveryMs,
    refreshRequests: refresh.total,
    refreshCharged: refresh.charged,
    pollRequests: polls.total / settings.polls,
    pollCharged: chargedPerPoll,
    chargedPerHour: Math.round(pollsPerHour * chargedPerPoll + refreshesPerHour * refresh.charged),
  };
}

export async function runDiscoveryBench(settings = discoverySettings()) {
  const tokens = {
    'bench-conditional': { login: 'octo', rateLimit: 1e9 },
    'bench-plain': { login: 'octo', rateLimit: 1e9 },
  };
  const sim = await startGitHubSim({ tokens });
  try {
    process.stderr.write(`[bench:discovery] creating ${settings.repos} repositories…\n`);
    for (let i = 0; i < settings.repos; i++) {
      const selfHosted =
        i % Math.floor(settings.repos / settings.selfHosted) === 0 &&
        i / Math.floor(settings.repos / settings.selfHosted) < settings.selfHosted;
      sim.control.createRepo({
        owner: 'octo',
        name: `repo-${String(i).padStart(4, '0')}`,
        workflows: [
          {
            path: '.github/workflows/ci.yml',
            content: workflow(selfHosted ? '[self-hosted, linux]' : 'ubuntu-latest'),
          },
        ],
      });
    }
    process.stderr.write('[bench:discovery] measuring without conditional requests…\n');
    const plain = await measure(sim, 'bench-plain', false, settings);
    process.stderr.write('[bench:discovery] measuring with conditional requests…\n');
    const conditional = await measure(sim, 'bench-conditional', true, settings);
    return {
      settings,
      plain,
      conditional,
      ratio: conditional.chargedPerHour / Math.max(1, plain.chargedPerHour),
    };
  } finally {
    await sim.close();
  }
}

export function formatDiscoveryBench(result) {
  const { plain, conditional, settings } = result;
  const row = (name, r) =>
    `| ${name} | ${(r.firstDiscoveryMs / 1000).toFixed(1)} s | ${r.refreshRequests} / ${r.refreshCharged} | ${r.pollRequests} / ${r.pollCharged} | ${r.chargedPerHour} |`;
  return [
    `## Automatic mode: GitHub requests (${settings.repos} repositories, ${settings.selfHosted} with self-hosted jobs, steady state)`,
    '',
    '| client | first discovery | refresh: requests / charged | poll: requests / charged | charged per hour (defaults) |',
    '| --- | --- | --- | --- | --- |',
    row('without conditional requests (baseline)', plain),
    row('with conditional requests (product)', conditional),
    '',
    `charged per hour with / without: ${(result.ratio * 100).toFixed(1)}% (goal: at most 5%, and far below 5,000/h)`,
  ].join('\n');
}

export function discoveryBenchFailed(result) {
  return result.ratio > 0.05 || result.conditional.chargedPerHour >= 5000;
}
