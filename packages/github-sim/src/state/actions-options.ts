/** How the simulated Actions service (runner scale sets) behaves; tests shorten the timings. */
export interface ActionsServiceOptions {
  /** How long a message poll waits before it answers 202 (GitHub: about 50 s). */
  longPollMs: number;
  /** A session that has not polled for this long expires, and a new one may be created. */
  sessionIdleTimeoutMs: number;
  /** Lifetime of a message queue access token (a session refresh issues a new one). */
  queueTokenLifetimeMs: number;
  /** Lifetime of the admin token `actions/runner-registration` hands out (its JWT `exp`). */
  adminTokenLifetimeMs: number;
  /** A job assigned to a scale set but taken by none of its runners for this long is cancelled and reassigned. */
  assignTimeoutMs: number;
  /** How often a timed-out job is reassigned before it ends cancelled. */
  maxReassignments: number;
  /** `github`: jobs arrive as `JobAssigned`; `ghes`: as `JobAvailable`, assigned after `acquirejobs`. */
  mode: 'github' | 'ghes';
}

/** The defaults: GitHub's timings. */
export function defaultActionsOptions(): ActionsServiceOptions {
  return {
    longPollMs: 50_000,
    sessionIdleTimeoutMs: 120_000,
    queueTokenLifetimeMs: 3_600_000,
    adminTokenLifetimeMs: 3_600_000,
    assignTimeoutMs: 300_000,
    maxReassignments: 3,
    mode: 'github',
  };
}

const NUMERIC = [
  'longPollMs',
  'sessionIdleTimeoutMs',
  'queueTokenLifetimeMs',
  'adminTokenLifetimeMs',
  'assignTimeoutMs',
  'maxReassignments',
] as const;

/** Checks a partial update; returns the problems (empty when valid). */
export function actionsOptionsProblems(patch: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if ((NUMERIC as readonly string[]).includes(name)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        problems.push(`${name} must be a number >= 0`);
    } else if (name === 'mode') {
      if (value !== 'github' && value !== 'ghes') problems.push('mode must be github or ghes');
    } else {
      problems.push(`unknown option ${name}`);
    }
  }
  return problems;
}
