import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** The webhook secret of the tests. */
export const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789';

/** Options of {@link deliver}. */
export interface DeliveryOptions {
  event?: string;
  /** Default: a fresh GUID, as GitHub sends. */
  deliveryId?: string;
  /** Signs with this secret (default {@link WEBHOOK_SECRET}); `null` sends no signature. */
  secret?: string | null;
  /** A signature to send instead of the right one. */
  signature?: string;
  contentType?: string;
}

/** Sends a delivery the way GitHub does: the raw JSON body, its HMAC, and GitHub's headers. */
export async function deliver(
  app: FastifyInstance,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<LightMyRequestResponse> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const secret = options.secret === undefined ? WEBHOOK_SECRET : options.secret;
  const signature = options.signature ?? (secret === null ? undefined : await sign(secret, body));
  return app.inject({
    method: 'POST',
    url: '/webhooks/github',
    payload: body,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'user-agent': 'GitHub-Hookshot/tests',
      'x-github-event': options.event ?? 'workflow_job',
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-github-hook-id': '1',
      ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
    },
  });
}

/** A `workflow_job` payload with GitHub's fields (those the gateway reads, and a few it does not). */
export function workflowJobPayload(
  action: string,
  job: Partial<{ id: number; labels: string[]; runner_name: string | null; status: string }> = {},
  repository = 'octo-org/octo-repo',
): Record<string, unknown> {
  const [owner = ''] = repository.split('/');
  return {
    action,
    workflow_job: {
      id: job.id ?? 4242,
      run_id: 77,
      run_attempt: 1,
      head_branch: 'main',
      status: job.status ?? action,
      conclusion: null,
      labels: job.labels ?? ['self-hosted', 'linux'],
      runner_id: null,
      runner_name: job.runner_name ?? null,
      created_at: '2026-01-01T10:00:00Z',
      started_at: '2026-01-01T10:00:00Z',
      name: 'build',
      workflow_name: 'CI',
      html_url: `https://github.com/${repository}/actions/runs/77/job/${job.id ?? 4242}`,
    },
    repository: { id: 1, full_name: repository, name: repository.split('/')[1], private: true },
    organization: { login: owner, id: 2 },
    sender: { login: owner, id: 2 },
  };
}
