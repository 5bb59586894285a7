import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { STAND_IN_RUNNER_IMAGE } from './local-images.js';
import { testCa, type TestCa } from './test-ca.js';

const exec = promisify(execFile);

/** The label on every image built by {@link ensureTrustingRunnerImage}, valued with the CA's fingerprint. */
export const TRUSTING_IMAGE_LABEL = 'gha-ephemeral.test-ca';

/** Where the derived image keeps the CA; the stand-in is a Node program, so NODE_EXTRA_CA_CERTS is its trust store. */
const CA_PATH = '/usr/local/share/ca-certificates/gha-ephemeral-test-ca.crt';

/** A short fingerprint of a CA certificate, for image tags and labels. */
export function caFingerprint(ca: Pick<TestCa, 'certPem'>): string {
  return createHash('sha256').update(ca.certPem).digest('hex').slice(0, 12);
}

/**
 * The stand-in runner image with the test run's CA added to its trust store, built on the current
 * {@link STAND_IN_RUNNER_IMAGE} (tag `…:ca-<ca>-<base image>`, so a rebuilt base gets a new one). Runner
 * containers that the orchestrator starts then reach an HTTPS simulator without any mount or extra variable.
 */
export async function ensureTrustingRunnerImage(ca: TestCa = testCa()): Promise<string> {
  const { stdout } = await exec('docker', ['image', 'inspect', '-f', '{{.Id}}', STAND_IN_RUNNER_IMAGE]);
  const base = stdout.trim().replace(/^sha256:/, '');
  const fingerprint = caFingerprint(ca);
  const tag = `${STAND_IN_RUNNER_IMAGE.replace(/:[^:/]+$/, '')}:ca-${fingerprint}-${base.slice(0, 12)}`;
  const found = await exec('docker', ['image', 'inspect', tag]).then(
    () => true,
    () => false,
  );
  if (found) return tag;
  const context = mkdtempSync(join(tmpdir(), 'gha-ephemeral-trusting-'));
  try {
    writeFileSync(join(context, 'ca.crt'), ca.certPem);
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${STAND_IN_RUNNER_IMAGE}\nCOPY ca.crt ${CA_PATH}\nENV NODE_EXTRA_CA_CERTS=${CA_PATH}\n`,
    );
    await exec(
      'docker',
      ['build', '--quiet', '--label', `${TRUSTING_IMAGE_LABEL}=${fingerprint}`, '-t', tag, context],
      { timeout: 120_000 },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}

/** Removes every image built for this CA (best effort: an image still used by a container stays). */
export async function removeTrustingRunnerImages(ca: Pick<TestCa, 'certPem'>): Promise<void> {
  const { stdout } = await exec('docker', [
    'image',
    'ls',
    '-q',
    '--filter',
    `label=${TRUSTING_IMAGE_LABEL}=${caFingerprint(ca)}`,
  ]);
  const ids = [...new Set(stdout.split('\n').filter(Boolean))];
  if (ids.length > 0) await exec('docker', ['rmi', '-f', ...ids]).catch(() => undefined);
}
