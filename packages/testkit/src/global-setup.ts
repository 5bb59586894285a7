import { requireDockerEngine } from './docker-engine.js';
import { ensureLocalImages } from './local-images.js';
import { createTestCa, removeTestCa, TEST_CA_DIR_VARIABLE } from './test-ca.js';
import { removeTrustingRunnerImages } from './trusting-image.js';

/**
 * Vitest `globalSetup`: once per run, fail at once when no Docker engine answers, build the local images the
 * integration tests need, and create the run's test CA. NODE_EXTRA_CA_CERTS is set here because Node reads it
 * only when a process starts: the test processes, forked after this, then trust an HTTPS simulator.
 * @returns the teardown, which removes the CA and the images built to trust it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await requireDockerEngine();
  await ensureLocalImages();
  const ca = await createTestCa();
  process.env[TEST_CA_DIR_VARIABLE] = ca.dir;
  process.env.NODE_EXTRA_CA_CERTS = ca.certPath;
  return async () => {
    // Processes started after this must not be told to load a file that is about to go.
    delete process.env[TEST_CA_DIR_VARIABLE];
    delete process.env.NODE_EXTRA_CA_CERTS;
    await removeTrustingRunnerImages(ca);
    removeTestCa(ca);
  };
}
