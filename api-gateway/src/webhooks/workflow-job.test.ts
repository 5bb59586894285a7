import { describe, expect, it } from 'vitest';
import { normalizeWorkflowJob } from './workflow-job.js';

// The orchestrator refuses public repositories: the gateway must hand it GitHub's `repository.private` as sent.
function payload(repository: Record<string, unknown>) {
  return {
    action: 'queued',
    workflow_job: { id: 1, run_id: 2, status: 'queued', labels: ['self-hosted'], runner_name: null },
    repository: { full_name: 'octo/hello', ...repository },
  };
}

describe('normalizeWorkflowJob: repository.private', () => {
  it('forwards the flag GitHub sends, false and true alike', () => {
    for (const flag of [false, true]) {
      const result = normalizeWorkflowJob(payload({ private: flag }), 'd-1');
      expect(result).toMatchObject({ kind: 'event', event: { repositoryPrivate: flag } });
    }
  });

  it('leaves it out when the payload lacks it, so the orchestrator asks GitHub', () => {
    const result = normalizeWorkflowJob(payload({}), 'd-2');
    expect(result.kind).toBe('event');
    expect(result.kind === 'event' && 'repositoryPrivate' in result.event).toBe(false);
  });

  it('refuses a flag that is not a boolean', () => {
    expect(normalizeWorkflowJob(payload({ private: 'false' }), 'd-3')).toMatchObject({ kind: 'invalid' });
  });
});
