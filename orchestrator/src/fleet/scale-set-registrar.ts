import { AppError, isAppError } from '@gha-ephemeral/contract';
import type { ActionsServiceClient, JitRunner } from '@gha-ephemeral/github';
import type { ScaleSetRegistrar } from './runner-launcher.js';

/** Where a scale-set pool's runners are registered: its scope's client and its scale set, once known. */
export interface ScaleSetTarget {
  client: Pick<ActionsServiceClient, 'generateJitConfig' | 'findAgent' | 'deleteAgent'>;
  /** GitHub's id of the scale set; null until its listener has found or created it. */
  scaleSetId(): number | null;
}

/** The work folder a runner is told to use, as GitHub's own scale-set client tells it. */
const WORK_FOLDER = '_work';

/**
 * Registers the runners of scale-set pools with their scale set (`generatejitconfig`): no registration token is
 * ever minted. A name already taken (a registration left by a lost answer) is deleted and registered again.
 */
export class ScaleSetRunners implements ScaleSetRegistrar {
  readonly #targets: ReadonlyMap<string, ScaleSetTarget>;

  constructor(targets: ReadonlyMap<string, ScaleSetTarget>) {
    this.#targets = targets;
  }

  async register(pool: string, name: string, signal?: AbortSignal): Promise<JitRunner> {
    const target = this.#targets.get(pool);
    const id = target?.scaleSetId() ?? null;
    if (target === undefined || id === null) {
      throw new AppError(
        'github.unavailable',
        `The scale set of pool "${pool}" is not registered yet; its listener registers it and the runner is started then`,
      );
    }
    let answer;
    try {
      answer = await target.client.generateJitConfig(id, name, WORK_FOLDER, signal);
    } catch (error) {
      if (!(isAppError(error) && error.code === 'github.runner_exists')) throw error;
      const stale = await target.client.findAgent(name, signal);
      if (stale !== null) await target.client.deleteAgent(stale.id, signal);
      answer = await target.client.generateJitConfig(id, name, WORK_FOLDER, signal);
    }
    return {
      runner: {
        id: answer.runner.id,
        name: answer.runner.name,
        os: 'Linux',
        status: 'offline',
        busy: false,
        labels: [],
        ephemeral: true,
      },
      encodedJitConfig: answer.encodedJITConfig,
    };
  }
}
