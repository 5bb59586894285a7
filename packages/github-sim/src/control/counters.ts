/** Request counts for one route or for all. */
export interface RouteCounts {
  /** Requests received. */
  total: number;
  /** Requests counted against the primary rate limit. */
  charged: number;
  /** Requests that carried `If-None-Match`. */
  conditional: number;
  /** Requests answered 304 Not Modified. */
  notModified: number;
}

/** Everything the simulator counted since the last reset. */
export interface RequestCounts extends RouteCounts {
  /** By `METHOD /route/{pattern}`, e.g. `GET /repos/{owner}/{repo}/actions/runners`. */
  byRoute: Record<string, RouteCounts>;
  /** By the `X-GitHub-Api-Version` the client sent (`none` when it sent none). */
  apiVersions: Record<string, number>;
  /** Actions service message long polls open right now, by scale set id. */
  openLongPolls: Record<string, number>;
}

const zero = (): RouteCounts => ({ total: 0, charged: 0, conditional: 0, notModified: 0 });

/** Counts REST and Actions service requests, overall and per route. */
export class RequestCounter {
  private totals = zero();
  private byRoute = new Map<string, RouteCounts>();
  private versions = new Map<string, number>();

  /** Adds `field` for the route (and overall). */
  add(route: string, field: keyof RouteCounts): void {
    this.totals[field] += 1;
    let counts = this.byRoute.get(route);
    if (!counts) {
      counts = zero();
      this.byRoute.set(route, counts);
    }
    counts[field] += 1;
  }

  /** Records the API version a request asked for. */
  addVersion(version: string): void {
    this.versions.set(version, (this.versions.get(version) ?? 0) + 1);
  }

  /** A snapshot of the counts, with the open long polls the caller knows of. */
  snapshot(openLongPolls: Record<string, number> = {}): RequestCounts {
    return {
      ...this.totals,
      byRoute: Object.fromEntries([...this.byRoute].map(([k, v]) => [k, { ...v }])),
      apiVersions: Object.fromEntries(this.versions),
      openLongPolls,
    };
  }

  /** Starts counting from zero. */
  reset(): void {
    this.totals = zero();
    this.byRoute = new Map();
    this.versions = new Map();
  }
}
