import { DockerRuntime } from '../src/index.js';
import { createDockerFixtures } from './docker-fixtures.js';
import { describeRunnerRuntimeContract } from './runtime-contract.js';

describeRunnerRuntimeContract('DockerRuntime', () => new DockerRuntime(), createDockerFixtures());
