import { requireDockerEngine } from './docker-engine.js';
import { ensureLocalImages } from './local-images.js';

/**
 * Vitest `globalSetup`: once per run, fail at once when no Docker engine answers, and build the local images
 * the integration tests need.
 */
export default async function setup(): Promise<void> {
  await requireDockerEngine();
  await ensureLocalImages();
}
