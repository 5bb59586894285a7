export { requireDockerEngine, type DockerEngineInfo } from './docker-engine.js';
export { countContainersByLabel, removeContainersByLabel, removeNetworksByLabel } from './docker-cleanup.js';
export { freePort } from './free-port.js';
export { uniqueId } from './unique-id.js';
export { waitFor, within, type WaitForOptions } from './wait-for.js';
export { DIND_IMAGE, ensureLocalImages, NODE_BASE_IMAGE, STAND_IN_RUNNER_IMAGE } from './local-images.js';
export { findRepoRoot } from './repo-root.js';
export {
  createTestCa,
  issueServerCertificate,
  removeTestCa,
  testCa,
  TEST_CA_DIR_VARIABLE,
  type TestCa,
  type TlsKeyPair,
} from './test-ca.js';
export {
  caFingerprint,
  ensureTrustingRunnerImage,
  removeTrustingRunnerImages,
  TRUSTING_IMAGE_LABEL,
} from './trusting-image.js';
export { ensureSwarmManager, type SwarmManager } from './swarm-manager.js';
export {
  SWARM_NODE_CAPABILITIES,
  swarmNodeDockerdArgs,
  type SwarmNodeStorageDriver,
} from './swarm-node-engine.js';
export { SWARM_NODE_LABEL } from './swarm-node-names.js';
export {
  removeSwarmNodes,
  startSwarmNodes,
  type RemovedSwarmNodes,
  type StartSwarmNodesOptions,
  type SwarmNode,
  type SwarmNodeTimings,
} from './swarm-nodes.js';
export { ensureSwarm, removeSwarmObjectsByLabel, type SwarmInfo } from './swarm.js';
export { openSse, SseClient, type OpenSseOptions, type SseEnd, type SseEvent } from './sse-client.js';
