import { setTimeout as sleep } from 'node:timers/promises';
import { engineMessage, engineStatusCode, toLabelFilters } from '@gha-ephemeral/runtime-docker';
import { SECRET_SERVICE_LABEL, envSecretName, renderEnvFile } from './env-secret.js';
import type { SwarmEngine } from './swarm-engine.js';
import type { SwarmSecret } from './swarm-types.js';

// How long removing a secret waits for the Swarm to let go of it (a service just removed may still hold it).
const IN_USE_WAIT_MS = 10_000;

/** A runner's env secret as it was made. */
export interface EnvSecret {
  id: string;
  name: string;
  /** The file's content, base64-encoded as the API took it (for scrubbing errors: it is the env in disguise). */
  data: string;
}

/**
 * Swarm secrets that hold runners' environments: one per runner, labelled like it plus
 * {@link SECRET_SERVICE_LABEL}, so whatever sweeps runners by label sweeps their secrets too.
 */
/** How old an env secret without its service must be to be taken for an orphan: far longer than any create. */
const ORPHAN_AGE_MS = 10 * 60_000;

export class EnvSecrets {
  constructor(private readonly engine: SwarmEngine) {}

  /** Makes the secret of a runner's env. Its content never appears in a log or an error. */
  async create(
    serviceName: string,
    env: Readonly<Record<string, string>>,
    labels: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<EnvSecret> {
    const name = envSecretName(serviceName);
    const data = Buffer.from(renderEnvFile(env), 'utf8').toString('base64');
    const created = await this.engine.request<{ ID: string }>(`create secret ${name}`, signal, {
      method: 'POST',
      path: '/secrets/create',
      body: { Name: name, Labels: { ...labels, [SECRET_SERVICE_LABEL]: serviceName }, Data: data },
    });
    return { id: created.ID, name, data };
  }

  /** Removes the given secrets and any other secret of the service `serviceName`. Idempotent. */
  async removeFor(
    serviceName: string | undefined,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const found =
      serviceName === undefined ? [] : await this.list({ [SECRET_SERVICE_LABEL]: serviceName }, signal);
    for (const id of new Set([...ids, ...found.map((secret) => secret.ID)])) await this.removeOne(id, signal);
  }

  /**
   * Removes the secrets among those carrying every label whose service is gone (a create or remove cut short).
   * @returns how many it removed.
   */
  async removeOrphans(
    labels: Readonly<Record<string, string>>,
    signal?: AbortSignal,
    now: number = Date.now(),
  ): Promise<number> {
    const orphans: string[] = [];
    for (const secret of await this.list(labels, signal)) {
      const owner = secret.Spec?.Labels?.[SECRET_SERVICE_LABEL];
      // A younger one may belong to a runner being created right now, whose service does not exist yet.
      const old = now - Date.parse(secret.CreatedAt ?? '') > ORPHAN_AGE_MS;
      if (owner !== undefined && old && (await this.engine.inspectService(owner, signal)) === null)
        orphans.push(secret.ID);
    }
    await this.removeFor(undefined, orphans, signal);
    return orphans.length;
  }

  /** The secrets that carry every label. */
  list(labels: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<SwarmSecret[]> {
    return this.engine.request<SwarmSecret[]>('list secrets', signal, {
      method: 'GET',
      path: '/secrets',
      query: { filters: { label: toLabelFilters(labels) } },
    });
  }

  private async removeOne(id: string, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + IN_USE_WAIT_MS;
    for (;;) {
      try {
        await this.engine.request(`remove secret ${id}`, signal, {
          method: 'DELETE',
          path: `/secrets/${id}`,
        });
        return;
      } catch (error) {
        if (engineStatusCode(error) === 404) return;
        // A service that is being removed still holds the secret for a moment.
        if (!/in use/i.test(engineMessage(error)) || Date.now() > deadline) throw error;
        await sleep(200, undefined, signal === undefined ? {} : { signal });
      }
    }
  }
}
