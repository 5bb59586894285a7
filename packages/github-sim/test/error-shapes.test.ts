import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubSim } from '../src/index.js';
import { expectSchema } from './helpers/openapi.js';
import { TOKENS, startWorld } from './helpers/sim.js';

// Every REST endpoint the simulator serves, as [method, OpenAPI path, a concrete path on a private repository].
const ENDPOINTS: [string, string, string][] = [
  [
    'post',
    '/repos/{owner}/{repo}/actions/runners/registration-token',
    '/repos/acme/app/actions/runners/registration-token',
  ],
  [
    'post',
    '/repos/{owner}/{repo}/actions/runners/remove-token',
    '/repos/acme/app/actions/runners/remove-token',
  ],
  [
    'post',
    '/repos/{owner}/{repo}/actions/runners/generate-jitconfig',
    '/repos/acme/app/actions/runners/generate-jitconfig',
  ],
  ['get', '/repos/{owner}/{repo}/actions/runners', '/repos/acme/app/actions/runners'],
  ['get', '/repos/{owner}/{repo}/actions/runners/{runner_id}', '/repos/acme/app/actions/runners/1'],
  ['delete', '/repos/{owner}/{repo}/actions/runners/{runner_id}', '/repos/acme/app/actions/runners/1'],
  ['post', '/orgs/{org}/actions/runners/registration-token', '/orgs/acme/actions/runners/registration-token'],
  ['post', '/orgs/{org}/actions/runners/remove-token', '/orgs/acme/actions/runners/remove-token'],
  ['post', '/orgs/{org}/actions/runners/generate-jitconfig', '/orgs/acme/actions/runners/generate-jitconfig'],
  ['get', '/orgs/{org}/actions/runners', '/orgs/acme/actions/runners'],
  ['get', '/orgs/{org}/actions/runners/{runner_id}', '/orgs/acme/actions/runners/1'],
  ['delete', '/orgs/{org}/actions/runners/{runner_id}', '/orgs/acme/actions/runners/1'],
  ['get', '/repos/{owner}/{repo}', '/repos/acme/app'],
  ['get', '/repos/{owner}/{repo}/actions/workflows', '/repos/acme/app/actions/workflows'],
  ['get', '/repos/{owner}/{repo}/contents/{path}', '/repos/acme/app/contents/README.md'],
  ['get', '/repos/{owner}/{repo}/actions/runs', '/repos/acme/app/actions/runs?status=queued'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}', '/repos/acme/app/actions/runs/1'],
  ['get', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', '/repos/acme/app/actions/runs/1/jobs'],
  ['get', '/repos/{owner}/{repo}/actions/jobs/{job_id}', '/repos/acme/app/actions/jobs/1'],
];
const USER_ENDPOINTS: [string, string, string][] = [
  ['get', '/user/repos', '/user/repos'],
  ['get', '/orgs/{org}/repos', '/orgs/acme/repos'],
  ['get', '/installation/repositories', '/installation/repositories'],
  ['get', '/rate_limit', '/rate_limit'],
];

describe('error bodies match GitHub’s schemas on every endpoint', () => {
  let sim: GitHubSim;
  beforeAll(async () => {
    sim = await startWorld();
  });
  afterAll(async () => {
    await sim.close();
  });

  const call = async (
    method: string,
    path: string,
    token?: string,
  ): Promise<{ status: number; body: unknown; headers: Headers }> => {
    const res = await fetch(`${sim.apiUrl}${path}`, {
      method: method.toUpperCase(),
      headers: {
        accept: 'application/vnd.github+json',
        ...(token ? { authorization: `token ${token}` } : {}),
      },
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      headers: res.headers,
    };
  };

  it.each([...ENDPOINTS, ...USER_ENDPOINTS])(
    '%s %s: 401 without a token and with a bad one',
    async (method, path, concrete) => {
      for (const token of [undefined, 'ghp_unknown']) {
        const res = await call(method, concrete, token);
        expect(res.status).toBe(401);
        expectSchema(path, method, 401, res.body);
        expect(res.body).toMatchObject({
          message: token ? 'Bad credentials' : 'Requires authentication',
          status: '401',
        });
        expect(res.headers.get('x-github-request-id')).toBeTruthy();
      }
    },
  );

  it.each(ENDPOINTS)(
    '%s %s: 404 for a token that cannot see the private repository or organization',
    async (method, path, concrete) => {
      const res = await call(method, concrete, TOKENS.bob);
      expect(res.status).toBe(404);
      expectSchema(path, method, 404, res.body);
      expect(res.body).toMatchObject({
        message: 'Not Found',
        documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
      });
    },
  );

  it.each(ENDPOINTS.filter(([, path]) => /\{(runner_id|run_id|job_id)\}/.test(path)))(
    '%s %s: 404 for an unknown id',
    async (method, path, concrete) => {
      const res = await call(method, concrete, TOKENS.alice);
      expect(res.status).toBe(404);
      expectSchema(path, method, 404, res.body);
    },
  );
});
