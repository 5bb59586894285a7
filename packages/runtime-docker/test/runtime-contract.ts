import { uniqueId } from '@gha-ephemeral/testkit';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { RunnerRuntime } from '../src/index.js';
import {
  DOCKER_CAPABILITIES,
  TEST_LABEL,
  type ContractContext,
  type RuntimeContractFixtures,
} from './contract/contract-context.js';
import { describeCreateContract } from './contract/create-contract.js';
import { describeEventsContract } from './contract/events-contract.js';
import { describeFailureContract } from './contract/failure-contract.js';
import { describeIsolationContract } from './contract/isolation-contract.js';
import { describeNetworkContract } from './contract/network-contract.js';
import { describeQueryContract } from './contract/query-contract.js';

export type { RuntimeCapabilities, RuntimeContractFixtures } from './contract/contract-context.js';
export { TEST_LABEL } from './contract/contract-context.js';

/**
 * The contract every {@link RunnerRuntime} adapter must pass, against a real engine. `makeRuntime` is called
 * once, after `fixtures.requireEngine()`; `fixtures` does what the port deliberately cannot (images, networks,
 * clean-up). Every container and network a case makes carries `gha-ephemeral.test=<run id>` and a per-case
 * label, and is removed after each case.
 */
export function describeRunnerRuntimeContract(
  name: string,
  makeRuntime: () => RunnerRuntime,
  fixtures: RuntimeContractFixtures,
): void {
  describe(`RunnerRuntime contract: ${name}`, () => {
    const runId = uniqueId('contract');
    let runtime: RunnerRuntime | undefined;
    let image: string | undefined;

    beforeAll(async () => {
      await fixtures.requireEngine();
      image = await fixtures.prepareTestImage();
      runtime = makeRuntime();
    });
    afterEach(async () => {
      await fixtures.removeByLabel(TEST_LABEL, runId);
    });
    afterAll(async () => {
      await fixtures.removeByLabel(TEST_LABEL, runId);
    });

    const context: ContractContext = {
      fixtures,
      capabilities: { ...DOCKER_CAPABILITIES, ...fixtures.capabilities },
      runId: () => runId,
      runtime: () => {
        if (runtime === undefined) throw new Error('the runtime is not ready: beforeAll failed');
        return runtime;
      },
      image: () => {
        if (image === undefined) throw new Error('the test image is not ready: beforeAll failed');
        return image;
      },
      caseLabels: (extra = {}) => ({ [TEST_LABEL]: runId, 'gha-ephemeral.case': uniqueId('case'), ...extra }),
    };

    describeCreateContract(context);
    describeQueryContract(context);
    describeEventsContract(context);
    describeFailureContract(context);
    describeIsolationContract(context);
    describeNetworkContract(context);
  });
}
