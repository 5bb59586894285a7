import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import { RepositoryVisibility } from './repository-visibility.js';

// The rule alone, with a stand-in GitHub whose answers the test sets and a clock it moves.
function setUp(allowPublic = false) {
  const lines: string[] = [];
  const { logger } = createLogger({
    service: 'test',
    level: 'DEBUG',
    format: 'json',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const visibility: Record<string, boolean> = { 'octo/open': false, 'octo/closed': true };
  const asked: string[] = [];
  let now = 0;
  const rule = new RepositoryVisibility({
    allowPublic,
    logger,
    ttlMs: 60_000,
    now: () => now,
    github: {
      getRepository: async (repo) => {
        const repository = typeof repo === 'string' ? repo : `${repo.owner}/${repo.name}`;
        asked.push(repository);
        const [owner = '', name = ''] = repository.split('/');
        const isPrivate = visibility[repository] ?? true;
        return {
          owner,
          name,
          fullName: `${owner}/${name}`,
          archived: false,
          disabled: false,
          private: isPrivate,
        };
      },
    },
  });
  const refusals = () => lines.filter((line) => line.includes('public repository refused'));
  return { rule, visibility, asked, refusals, advance: (ms: number) => (now += ms) };
}

const repoScope = (repo: string) => ({ kind: 'repository', owner: 'octo', repo }) as const;

describe('RepositoryVisibility', () => {
  it('refuses a public repository with 403 runner.public_repository naming the setting', async () => {
    const { rule } = setUp();
    await expect(rule.ensureAllowed(repoScope('open'))).rejects.toMatchObject({
      code: 'runner.public_repository',
      statusCode: 403,
      retryable: false,
      message: expect.stringContaining('ALLOW_PUBLIC_REPOSITORIES=true'),
    });
    await expect(rule.ensureAllowed(repoScope('closed'))).resolves.toBeUndefined();
  });

  it('lets an organization scope pass without asking GitHub (the runner group decides)', async () => {
    const { rule, asked } = setUp();
    await rule.ensureAllowed({ kind: 'organization', org: 'acme' });
    expect(asked).toEqual([]);
  });

  it('logs a refusal once per repository, and again only after the repository was allowed meanwhile', () => {
    const { rule, refusals } = setUp();
    for (let i = 0; i < 5; i++) expect(rule.allows('octo/open', false, 'discovery')).toBe(false);
    expect(rule.allows('octo/other', false, 'webhook')).toBe(false);
    expect(refusals()).toHaveLength(2);
    expect(rule.allows('octo/open', true, 'discovery')).toBe(true);
    expect(rule.allows('octo/open', false, 'discovery')).toBe(false);
    expect(refusals()).toHaveLength(3);
  });

  it('caches GitHub’s answer until it expires, then asks again (a repository made public)', async () => {
    const { rule, visibility, asked, advance } = setUp();
    visibility['octo/flip'] = true;
    await rule.ensureAllowed(repoScope('flip'));
    visibility['octo/flip'] = false;
    await rule.ensureAllowed(repoScope('flip'));
    expect(asked).toEqual(['octo/flip']);
    advance(60_001);
    await expect(rule.ensureAllowed(repoScope('flip'))).rejects.toMatchObject({
      code: 'runner.public_repository',
    });
    expect(asked).toEqual(['octo/flip', 'octo/flip']);
  });

  it('allows everything with ALLOW_PUBLIC_REPOSITORIES=true, asking GitHub nothing', async () => {
    const { rule, asked, refusals } = setUp(true);
    await rule.ensureAllowed(repoScope('open'));
    expect(rule.allows('octo/open', false, 'discovery')).toBe(true);
    expect(asked).toEqual([]);
    expect(refusals()).toEqual([]);
  });
});
