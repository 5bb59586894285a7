/**
 * Which requests a fault applies to. Both fields are optional; a fault without a match applies to every REST call.
 * Actions service calls (`/_runner/_apis/...`) are hit only by faults whose `path` matches them.
 */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /**
   * A path or a route pattern, matched against the request path (without `/api/v3` and the query) and
   * against its route pattern (`/repos/{owner}/{repo}/actions/runners`). `*` matches any characters.
   */
  path?: string;
}

/** How many requests a fault applies to: a number (default 1) or `'always'` until cleared. */
export type FaultCount = number | 'always';

/** A fault to inject into the REST API. */
export type FaultSpec =
  | { kind: 'error'; status?: number; message?: string; match?: FaultMatch; count?: FaultCount }
  | { kind: 'delay'; ms: number; match?: FaultMatch; count?: FaultCount }
  /** The connection is dropped without an answer (a network failure as the client sees it). */
  | { kind: 'reset'; match?: FaultMatch; count?: FaultCount }
  | { kind: 'primary-rate-limit'; resetInSeconds?: number; match?: FaultMatch; count?: FaultCount }
  | {
      kind: 'secondary-rate-limit';
      status?: 403 | 429;
      /** Seconds for `retry-after`; `null` omits the header. Default 60. */
      retryAfterSeconds?: number | null;
      match?: FaultMatch;
      count?: FaultCount;
    };

interface ActiveFault {
  id: number;
  spec: FaultSpec;
  remaining: number;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function matches(match: FaultMatch | undefined, method: string, path: string, route: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!match.path) return true;
  if (match.path === route || match.path === path) return true;
  const re = globToRegExp(match.path);
  return re.test(path) || re.test(route);
}

/** The active faults, consumed in the order they were injected. */
export class FaultSet {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  /** Adds a fault; returns its id. */
  add(spec: FaultSpec): number {
    const count = spec.count ?? 1;
    const remaining = count === 'always' ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(count));
    const id = this.nextId++;
    this.faults.push({ id, spec, remaining });
    return id;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The number of faults still armed. */
  get size(): number {
    return this.faults.length;
  }

  /**
   * Takes the first armed fault matching the request whose kind is one of `kinds`, consuming one use.
   * Delays and answers are taken separately so a delay can precede an error. With `pathRequired` (the
   * Actions service) only faults whose `match.path` matches apply, so REST faults never hit a listener.
   */
  take(
    kinds: readonly FaultSpec['kind'][],
    method: string,
    path: string,
    route: string,
    options: { pathRequired?: boolean } = {},
  ): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) =>
        kinds.includes(f.spec.kind) &&
        (!options.pathRequired || f.spec.match?.path !== undefined) &&
        matches(f.spec.match, method, path, route),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.spec;
  }
}
