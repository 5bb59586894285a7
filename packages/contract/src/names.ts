import { z } from 'zod';

/**
 * GitHub's own rules for names, so that a bad name is refused here with a clear message instead of by GitHub
 * with a 404. Owners and organizations: 1–39 alphanumerics or single hyphens, not at either end.
 * Repositories: 1–100 of `A–Z a–z 0–9 . _ -`, and not `.` or `..`.
 */
export const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const REPOSITORY_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
/** A runner label: no comma (the runner's list separator), no whitespace or control character. */
export const LABEL = /^[^\s,\p{Cc}]{1,100}$/u;
/** A runner id as this product names runners: safe in a URL path, a container name and a GitHub runner name. */
export const RUNNER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const OrganizationName = z
  .string()
  .regex(
    OWNER_NAME,
    'must be a GitHub organization name: 1-39 letters, digits or single hyphens, not starting or ending with a hyphen',
  );

export const RepositoryFullName = z.string().refine(
  (value) => {
    const [owner, name, ...rest] = value.split('/');
    return (
      rest.length === 0 &&
      owner !== undefined &&
      name !== undefined &&
      OWNER_NAME.test(owner) &&
      REPOSITORY_NAME.test(name)
    );
  },
  {
    message:
      'must be "owner/name": a GitHub owner (1-39 letters, digits or single hyphens) and a repository name (1-100 letters, digits, ".", "_" or "-", not "." or "..")',
  },
);

export const Label = z
  .string()
  .regex(LABEL, 'a label is 1-100 characters without commas, spaces or control characters');

export const RunnerId = z
  .string()
  .regex(
    RUNNER_ID,
    'a runner id is 1-63 lowercase letters, digits or hyphens, as returned by POST /api/v1/runners',
  );
