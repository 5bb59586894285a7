import { join } from 'node:path';
import type { Logger } from '@gha-ephemeral/logging';
import { StateFile } from '@gha-ephemeral/primitives';
import { z } from 'zod';

const JournalFile = z.object({ sessions: z.record(z.string(), z.string().min(1).max(100)) });

/** The file, in the state directory, that lists the scale-set sessions an orchestrator id holds open. */
export function sessionJournalFile(orchestratorId: string): string {
  return `scale-set-sessions-${orchestratorId}.json`;
}

/**
 * The message sessions this install holds open, by scale set id, kept in `ORCHESTRATOR_STATE_DIR`: after a crash,
 * the restarted listener closes its own stale session at once instead of waiting minutes for GitHub to expire it
 * (a second session meets 409 until then). One entry per scale-set pool: it never grows beyond the pool file.
 */
export class SessionJournal {
  readonly #file: StateFile;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, string>();

  /** `stateDir` null keeps the sessions in memory only (a crash then waits for GitHub to expire them). */
  constructor(stateDir: string | null, orchestratorId: string, logger: Logger) {
    this.#logger = logger;
    const file = stateDir === null ? null : join(stateDir, sessionJournalFile(orchestratorId));
    this.#file = new StateFile(file, (error, path) =>
      logger.warn(
        { err: error, file: path },
        'cannot keep the scale-set session journal: after a crash, a listener waits for GitHub to expire its old session',
      ),
    );
    this.#load();
  }

  /** The session this install last opened on the scale set and did not close, if any. */
  get(scaleSetId: number): string | undefined {
    return this.#sessions.get(String(scaleSetId));
  }

  /** Notes a session opened (written before it is used). */
  opened(scaleSetId: number, sessionId: string): void {
    this.#sessions.set(String(scaleSetId), sessionId);
    this.#write();
  }

  /** Notes a session closed or found gone. */
  closed(scaleSetId: number): void {
    if (this.#sessions.delete(String(scaleSetId))) this.#write();
  }

  #load(): void {
    const json = this.#file.read();
    if (json === undefined) return; // none yet
    const parsed = JournalFile.safeParse(json);
    if (!parsed.success) {
      this.#logger.warn({}, 'the scale-set session journal is unreadable; starting a new one');
      return;
    }
    for (const [id, session] of Object.entries(parsed.data.sessions)) this.#sessions.set(id, session);
  }

  #write(): void {
    this.#file.write({ sessions: Object.fromEntries(this.#sessions) });
  }
}
