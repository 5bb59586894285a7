import { describe, expect, it } from 'vitest';
import { loadOrchestratorConfig } from './config.js';
import { startupWarnings } from './startup-warnings.js';

const base = {
  GITHUB_RUNNER_TOKEN: `ghp_${'a'.repeat(36)}`,
  ORCHESTRATOR_ID: 'warn-test',
};

describe('start-up warnings', () => {
  it('says nothing for the defaults', () => {
    expect(startupWarnings(loadOrchestratorConfig(base))).toEqual([]);
  });

  it('says what host networking, limits turned off and a registration-token template give away', () => {
    const warnings = startupWarnings(
      loadOrchestratorConfig({
        ...base,
        RUNNER_NETWORK: 'host',
        RUNNER_MEMORY: '0',
        RUNNER_PIDS_LIMIT: '0',
        runnerenv_RUNNER_TOKEN: '{registration_token}',
      }),
    );
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/host's network stack .* the orchestrator and the gateway/);
    expect(warnings[1]).toMatch(/^RUNNER_MEMORY, RUNNER_PIDS_LIMIT=0: runners have no such limit/);
    expect(warnings[2]).toMatch(/every job can read it .* register runners of its own/);
  });

  it('warns about a credential written into the template, not about placeholders', () => {
    const warnings = startupWarnings(
      loadOrchestratorConfig({
        ...base,
        runnerenv_ACCESS_TOKEN: 'ghp_literal',
        runnerenv_RUNNER_TOKEN_NOTE: '{runner_name}',
        runnerenv_ACTIONS_RUNNER_INPUT_JITCONFIG: '{jit_config}',
      }),
    );
    expect(warnings).toEqual([expect.stringMatching(/^runnerenv_ACCESS_TOKEN put a fixed credential/)]);
  });

  it("warns about Docker's default bridge, where runners reach each other", () => {
    expect(startupWarnings(loadOrchestratorConfig({ ...base, RUNNER_NETWORK: 'bridge' }))).toEqual([
      expect.stringMatching(/runners reach each other/),
    ]);
  });
});
