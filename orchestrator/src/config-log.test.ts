import { describe, expect, it } from 'vitest';
import { loadOrchestratorConfig, redactedOrchestratorConfig } from './config.js';

const TOKEN = 'ghp_' + 'b'.repeat(36);

describe('the start-up configuration log', () => {
  it('shows the runnerenv_ names and placeholders, never a literal value, whatever the name', () => {
    const config = loadOrchestratorConfig({
      GITHUB_RUNNER_TOKEN: TOKEN,
      ORCHESTRATOR_ID: 'config-log',
      runnerenv_NPM_AUTH: 'abc',
      runnerenv_PIP_INDEX_URL: 'https://user:hunter2@pypi.example.com/simple',
      runnerenv_REPO_URL: '{github_url}/{scope_name}',
      runnerenv_RUNNER_TOKEN: '{registration_token}',
    });
    const shown = redactedOrchestratorConfig(config);
    expect(shown.runnerenv).toEqual({
      NPM_AUTH: '[literal]',
      PIP_INDEX_URL: '[literal]',
      REPO_URL: '{github_url}[literal]{scope_name}',
      RUNNER_TOKEN: '{registration_token}',
    });
    expect(JSON.stringify(shown)).not.toMatch(/"abc"|hunter2|pypi\.example|ghp_b/);
  });
});
