import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { findRepoRoot } from './repo-root.js';

/** The base image every Dockerfile of this project starts from. */
export const NODE_BASE_IMAGE = 'node:20-bookworm-slim';
/** The Docker engine sidecar of `docker: dind` pools; the stand-in runner takes its docker CLI from it. */
export const DIND_IMAGE = 'gha-ephemeral/dind:local';
/** The stand-in runner image the integration and end-to-end tests run as "runners". */
export const STAND_IN_RUNNER_IMAGE = 'gha-ephemeral/stand-in-runner:local';

const NODE_BASE_SCRIPT = 'scripts/offline-base-images.sh';
const DIND_SCRIPT = 'scripts/build-dind-image.sh';
const STAND_IN_RUNNER_SCRIPT = 'packages/stand-in-runner/scripts/build-image.sh';
// A build compiles TypeScript and imports a root file system: generous, but not forever.
const SCRIPT_TIMEOUT_MS = 10 * 60_000;

async function hasImage(docker: Dockerode, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 404) return false;
    throw error;
  }
}

async function runScript(root: string, script: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [join(root, script)], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: SCRIPT_TIMEOUT_MS,
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${script} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

/** Makes sure `image` exists, running `script` (relative to the repository root) when it does not. */
async function ensureImage(docker: Dockerode, root: string, image: string, script: string): Promise<void> {
  if (await hasImage(docker, image)) return;
  if (!existsSync(join(root, script))) {
    throw new Error(
      `Image ${image} is missing and ${script} (which builds it) does not exist. Build the image first.`,
    );
  }
  await runScript(root, script);
  if (!(await hasImage(docker, image)))
    throw new Error(`${script} finished but image ${image} still does not exist.`);
}

/**
 * Makes sure the images the tests need exist on the engine, building them without a registry when missing:
 * {@link NODE_BASE_IMAGE} (by `scripts/offline-base-images.sh`), {@link DIND_IMAGE} (by
 * `scripts/build-dind-image.sh`), then {@link STAND_IN_RUNNER_IMAGE} (by
 * `packages/stand-in-runner/scripts/build-image.sh`, which needs `pnpm install` done). Script output goes to
 * the test run's output.
 * @throws when a script is missing or fails, naming the image and the script.
 */
export async function ensureLocalImages(): Promise<void> {
  const docker = new Dockerode();
  const root = findRepoRoot();
  await ensureImage(docker, root, NODE_BASE_IMAGE, NODE_BASE_SCRIPT);
  await ensureImage(docker, root, DIND_IMAGE, DIND_SCRIPT);
  await ensureImage(docker, root, STAND_IN_RUNNER_IMAGE, STAND_IN_RUNNER_SCRIPT);
}
