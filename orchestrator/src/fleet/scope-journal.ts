import { join } from 'node:path';
import { scopeFromTarget, scopeTarget, type GitHubScope } from '@gha-ephemeral/github';
import type { Logger } from '@gha-ephemeral/logging';
import { BoundedMap, StateFile } from '@gha-ephemeral/primitives';
import { z } from 'zod';
import { GitHubRunnerDirectory } from './github-runner-directory.js';

/** The file, in the state directory, that lists the scopes an orchestrator id registered runners in. */
export function scopeJournalFile(orchestratorId: string): string {
  return `scopes-${orchestratorId}.json`;
}

/** Scopes kept: far more than one install serves. */
const KEPT = 10_000;
/**
 * How long a scope is looked at after its last runner: GitHub itself drops an ephemeral runner that has not
 * connected for a day, so a registration left by a crash is gone by then anyway.
 */
const KEPT_FOR_MS = 2 * 86_400_000;
/** A scope used again is written again only after this long: one write per scope per hour at most. */
const REWRITE_AFTER_MS = 3_600_000;

const JournalFile = z.object({
  scopes: z.array(
    z.object({
      kind: z.enum(['repository', 'organization']),
      target: z.string().min(1).max(200),
      lastUsedMs: z.number(),
    }),
  ),
});

interface Entry {
  scope: GitHubScope;
  lastUsedMs: number;
}

/**
 * Every scope this install registered runners in recently, kept in `ORCHESTRATOR_STATE_DIR` so that a restart
 * still looks for orphaned registrations there. Without it, a crash between a just-in-time registration and its
 * container leaves the registration behind in manual mode, where nothing else names that scope again.
 */
export class ScopeJournal {
  readonly #file: StateFile;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #entries = new BoundedMap<string, Entry>(KEPT);
  /** True until the scopes read back from the file have been handed out once. */
  #restored = true;
  /** The keys of the scopes this process registered runners in (bounded like the entries). */
  readonly #usedHere = new BoundedMap<string, true>(KEPT);

  /** `stateDir` null keeps the scopes in memory only. One file per id: installs sharing a directory stay apart. */
  constructor(stateDir: string | null, orchestratorId: string, logger: Logger, now: () => number = Date.now) {
    this.#logger = logger;
    const file = stateDir === null ? null : join(stateDir, scopeJournalFile(orchestratorId));
    this.#file = new StateFile(file, (error, path) =>
      logger.warn(
        { err: error, file: path },
        'cannot keep the scope journal: after a crash, registrations in scopes no runner is listed in may stay until GitHub drops them (a day)',
      ),
    );
    this.#now = now;
    this.#load();
  }

  /** Notes that a runner is about to be registered in `scope` (written before any credential is minted). */
  remember(scope: GitHubScope): void {
    const key = GitHubRunnerDirectory.key(scope);
    const known = this.#entries.get(key);
    const now = this.#now();
    this.#entries.set(key, { scope, lastUsedMs: now });
    this.#usedHere.set(key, true);
    if (known === undefined || now - known.lastUsedMs > REWRITE_AFTER_MS) this.#write();
  }

  /**
   * The scopes to look for orphaned registrations in: those used by this process, and, the first time only, those
   * read back from the file (a crash's leftovers are found by the first upkeep; looking through hundreds of old
   * scopes on every pass would spend GitHub's rate limit for nothing).
   */
  scopes(): GitHubScope[] {
    const since = this.#now() - KEPT_FOR_MS;
    const scopes = [...this.#entries.entries()]
      .filter(([key, entry]) => entry.lastUsedMs >= since && (this.#restored || this.#usedHere.has(key)))
      .map(([, entry]) => entry.scope);
    this.#restored = false;
    return scopes;
  }

  #load(): void {
    const json = this.#file.read();
    if (json === undefined) return; // none yet
    const parsed = JournalFile.safeParse(json);
    if (!parsed.success) {
      this.#logger.warn({}, 'the scope journal is unreadable; starting a new one');
      return;
    }
    for (const { kind, target, lastUsedMs } of parsed.data.scopes) {
      const scope = scopeFromTarget(kind, target);
      this.#entries.set(GitHubRunnerDirectory.key(scope), { scope, lastUsedMs });
    }
  }

  /** Writes the whole journal through a temporary file and a rename, so a crash never leaves half a file. */
  #write(): void {
    const since = this.#now() - KEPT_FOR_MS;
    const scopes = [...this.#entries.values()]
      .filter((entry) => entry.lastUsedMs >= since)
      .map(({ scope, lastUsedMs }) => ({ kind: scope.kind, target: scopeTarget(scope), lastUsedMs }));
    this.#file.write({ scopes });
  }
}
