import type { PlaceholderValues } from '../template.js';

/** Placeholder values as a repository runner gets them, for the template and command tests. */
export const SAMPLE_VALUES: Readonly<PlaceholderValues> = Object.freeze({
  scope_name: 'octo/hello',
  runner_name: 'gha-octo-hello-abcd1234',
  registration_token: 'REGTOKEN123',
  jit_config: '',
  repo_owner: 'octo',
  repo_name: 'hello',
  runner_scope: 'repo',
  labels: 'gpu,big',
  github_url: 'https://github.com',
  github_host: 'github.com',
  timestamp: '1700000000',
  hostname: 'host-1',
  orchestrator_id: 'orch-1',
});
