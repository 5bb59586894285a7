// The demo's sample workload, and the two ways runners get started for it. Used by scripts/demo-watch.mjs.
//
// A few repositories in the bundled GitHub simulator, jobs queued in them with `runs-on` labels, most of which
// the demo's runners (self-hosted, Linux, X64) can take and one that none can (it needs a `gpu` label).

/** The login the demo's made-up token belongs to (compose.demo.yaml gives the simulator `TOKEN:octo`). */
export const DEMO_LOGIN = 'octo';

/** The labels every demo runner has: GitHub's defaults for a self-hosted Linux x64 runner. */
export const RUNNER_LABELS = ['self-hosted', 'Linux', 'X64'];

/** Repositories to create: an organization's and a user's. */
export const REPOSITORIES = [
  { owner: 'acme', name: 'web' },
  { owner: 'acme', name: 'api' },
  { owner: DEMO_LOGIN, name: 'cli' },
];

/**
 * Time between two jobs being queued. Jobs come in one after another, as pushes do, so that each job's start is
 * its own: a burst of jobs at once costs what that many `docker run` at once cost (`pnpm bench` measures that).
 */
export const JOB_SPACING_MS = 1500;

/** Jobs to queue, in order. `durationMs` is how long a stand-in runner "runs" the job. */
export const JOBS = [
  { repo: 'acme/web', workflowName: 'CI', name: 'build', labels: ['self-hosted', 'linux'], durationMs: 4000 },
  { repo: 'acme/web', workflowName: 'CI', name: 'test', labels: ['self-hosted', 'linux'], durationMs: 6000 },
  {
    repo: 'acme/api',
    workflowName: 'CI',
    name: 'build',
    labels: ['self-hosted', 'linux', 'x64'],
    durationMs: 5000,
  },
  {
    repo: `${DEMO_LOGIN}/cli`,
    workflowName: 'Lint',
    name: 'lint',
    labels: ['self-hosted'],
    durationMs: 3000,
  },
  {
    repo: 'acme/api',
    workflowName: 'Train',
    name: 'train',
    labels: ['self-hosted', 'gpu'],
    durationMs: 3000,
  },
];

/** Whether a runner with `RUNNER_LABELS` can take a job: it must have all the job's labels (case-insensitive). */
export function runnerCanTake(jobLabels) {
  const have = new Set(RUNNER_LABELS.map((label) => label.toLowerCase()));
  return jobLabels.every((label) => have.has(label.toLowerCase()));
}

/** The job's labels that no demo runner has. */
export function missingLabels(jobLabels) {
  const have = new Set(RUNNER_LABELS.map((label) => label.toLowerCase()));
  return jobLabels.filter((label) => !have.has(label.toLowerCase()));
}

/** A JSON HTTP call, bounded; resolves to `{status, body}`, never throws on an HTTP error status. */
export async function call(url, { method = 'GET', body, apiKey } = {}) {
  const headers = { accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  return { status: response.status, body: parsed };
}

async function expectStatus(what, promise, ...statuses) {
  const { status, body } = await promise;
  if (!statuses.includes(status)) {
    throw new Error(`${what}: HTTP ${status} ${body?.message ?? JSON.stringify(body)}`);
  }
  return body;
}

/** Creates the organization and the repositories in the simulator. */
export async function createRepositories(simUrl) {
  await expectStatus(
    'creating the organization',
    call(`${simUrl}/_sim/orgs`, {
      method: 'POST',
      body: { login: 'acme', members: [DEMO_LOGIN] },
    }),
    200,
    201,
  );
  for (const repo of REPOSITORIES) {
    await expectStatus(
      `creating ${repo.owner}/${repo.name}`,
      call(`${simUrl}/_sim/repos`, {
        method: 'POST',
        body: repo,
      }),
      200,
      201,
    );
  }
}

/**
 * Queues {@link JOBS} one after another, {@link JOB_SPACING_MS} apart, and calls `onQueued` with each (its `id`
 * added) as soon as it is queued; resolves to them all.
 */
export async function queueJobs(simUrl, onQueued) {
  const queued = [];
  for (const [index, job] of JOBS.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, JOB_SPACING_MS));
    const { jobId } = await expectStatus(
      `queueing ${job.repo} ${job.name}`,
      call(`${simUrl}/_sim/jobs`, { method: 'POST', body: job }),
      200,
      201,
    );
    queued.push({ ...job, id: jobId });
    await onQueued(queued.at(-1));
  }
  return queued;
}

/**
 * Manual mode: asks the gateway for a runner for a job, as an operator (or a script reacting to webhooks) would.
 * In automatic mode (AUTO_CREATE_RUNNERS=true) the orchestrator does this itself and this is not called.
 */
export async function requestRunner(gatewayUrl, apiKey, job) {
  await expectStatus(
    `POST /api/v1/runners for ${job.repo}`,
    call(`${gatewayUrl}/api/v1/runners`, {
      method: 'POST',
      apiKey,
      body: { repository: job.repo },
    }),
    201,
  );
}

/**
 * Webhooks mode: a hook in the simulator on every repository, posting signed `workflow_job` deliveries to the
 * gateway (`url`, reached from the simulator's container) as a GitHub webhook does. Resolves once the gateway has
 * answered the `ping` GitHub sends a new hook with 200, so a wrong address or secret stops the demo here, with
 * what the gateway said, rather than as runners that never come.
 */
export async function addGatewayWebhook(simUrl, url, secret) {
  await expectStatus(
    'adding the webhook to the simulator',
    call(`${simUrl}/_sim/webhooks`, { method: 'POST', body: { url, secret } }),
    201,
  );
  const deadline = Date.now() + 15_000;
  let ping;
  while (Date.now() < deadline) {
    const { body } = await call(`${simUrl}/_sim/webhooks/deliveries`);
    ping = body?.deliveries?.find((delivery) => delivery.event === 'ping');
    if (ping?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const answer = ping ? `HTTP ${ping.status} ${ping.error ?? ''}`.trim() : 'no delivery within 15 s';
  throw new Error(`the gateway did not accept the simulator's webhook ping at ${url}: ${answer}`);
}
