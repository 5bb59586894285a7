import { describeRunnerRuntimeContract } from '../../runtime-docker/test/runtime-contract.js';
import { SwarmRuntime, type SwarmRuntimeOptions } from '../src/index.js';
import { createSwarmFixtures, testRuntimeOptions } from './swarm-fixtures.js';

let options: SwarmRuntimeOptions | undefined;
const fixtures = createSwarmFixtures(() => {
  if (options === undefined) throw new Error('the Swarm options are not ready: beforeAll failed');
  return options;
});

describeRunnerRuntimeContract(
  'SwarmRuntime',
  () => {
    if (options === undefined) throw new Error('the Swarm options are not ready: beforeAll failed');
    return new SwarmRuntime(options);
  },
  {
    ...fixtures,
    requireEngine: async () => {
      await fixtures.requireEngine();
      options = await testRuntimeOptions();
    },
  },
);
