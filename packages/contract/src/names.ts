import { z } from 'zod';

/**
 * GitHub's own rules for names, so that a bad name is refused here with a clear message instead of by GitHub
 * with a 404. Owners and organizations: 1–39 alphanumerics or single hyphens, not at either end.
 * Repositories: 1–100 of `A–Z a–z 0–9 . _ -`, and not `.` or `..`.
 */
export const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
export const REPOSITORY_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
/**
 * A runner label. GitHub's own rules are few: at most 256 characters (actions/runner's `LabelsValidator`),
 * compared case-insensitively, and `config.sh --labels` splits its value on commas and trims each part, so a
 * label holds no comma and no leading or trailing space; GitHub documents no character set. This product allows
 * the subset that GitHub's own labels and documented examples use (`self-hosted`, `X64`, `ubuntu-22.04`,
 * `gpu_a100`): ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit. Why: labels are filled into
 * the runner's environment and `RUNNER_COMMAND` (`{labels}`), often inside `sh -c '…'`; none of these characters
 * means anything to a shell, to `env NAME=value`, to a comma-separated list or to an option parser (no leading
 * `-`), so a label can never run code, add a variable or change a command's words.
 */
export const LABEL_MAX_LENGTH = 256;
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;
/** What {@link LABEL} allows, in the words of an error message. */
export const LABEL_RULE =
  'a label is 1-256 ASCII letters, digits, ".", "_" or "-", starting with a letter or digit: without commas, spaces, quotes, "=", "$", ";", "|" or other shell characters';
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

export const Label = z.string().regex(LABEL, LABEL_RULE);

export const RunnerId = z
  .string()
  .regex(
    RUNNER_ID,
    'a runner id is 1-63 lowercase letters, digits or hyphens, as returned by POST /api/v1/runners',
  );
