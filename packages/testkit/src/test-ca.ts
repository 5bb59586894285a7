import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The variable the global setup sets to the test CA's directory (`ca.pem`, `ca.key`). */
export const TEST_CA_DIR_VARIABLE = 'GHA_EPHEMERAL_TEST_CA_DIR';

/** A certificate authority made for one test run. Its key never leaves the temporary directory. */
export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  /** The CA certificate (PEM): what clients must trust. */
  certPem: string;
}

/** A server certificate and its key (PEM), as `https.createServer` and Fastify's `https` take them. */
export interface TlsKeyPair {
  cert: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  // A serial of our own: -CAcreateserial would race on one file when test processes issue at once.
  await exec('openssl', args, { cwd, timeout: 30_000 });
}

function caIn(dir: string): TestCa {
  const certPath = join(dir, 'ca.pem');
  return { dir, certPath, keyPath: join(dir, 'ca.key'), certPem: readFileSync(certPath, 'utf8') };
}

/**
 * Creates a CA (EC P-256, valid two days) in a new temporary directory with the openssl CLI: Node's crypto
 * can verify certificates but not issue them.
 */
export async function createTestCa(): Promise<TestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'gha-ephemeral-ca-'));
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=gha-ephemeral test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return caIn(dir);
}

/** Removes the CA's directory (key included). */
export function removeTestCa(ca: TestCa): void {
  rmSync(ca.dir, { recursive: true, force: true });
}

/**
 * The CA of this test run, made by the integration project's global setup, which also points
 * `NODE_EXTRA_CA_CERTS` at it so that every test process trusts it from its start.
 * @throws when the global setup did not run (a file run outside the integration project).
 */
export function testCa(): TestCa {
  const dir = process.env[TEST_CA_DIR_VARIABLE];
  if (!dir || !existsSync(join(dir, 'ca.pem'))) {
    throw new Error(
      `No test CA: ${TEST_CA_DIR_VARIABLE} is not set. Run the file through the integration project, whose ` +
        'globalSetup (packages/testkit/src/global-setup.ts) creates the CA and sets NODE_EXTRA_CA_CERTS.',
    );
  }
  if (process.env.NODE_EXTRA_CA_CERTS !== join(dir, 'ca.pem'))
    throw new Error('NODE_EXTRA_CA_CERTS does not name the test CA, so this process would not trust it');
  return caIn(dir);
}

/** Issues a server certificate for `127.0.0.1` and `localhost` (and `hosts`), signed by `ca`. */
export async function issueServerCertificate(ca: TestCa, hosts: readonly string[] = []): Promise<TlsKeyPair> {
  const work = mkdtempSync(join(ca.dir, 'server-'));
  try {
    const names = ['127.0.0.1', 'localhost', ...hosts];
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    writeFileSync(
      join(work, 'ext.cnf'),
      `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
    );
    await openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=127.0.0.1',
      ],
      work,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        ca.certPath,
        '-CAkey',
        ca.keyPath,
        '-set_serial',
        `0x${randomBytes(12).toString('hex')}`,
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
      ],
      work,
    );
    return {
      cert: readFileSync(join(work, 'server.pem'), 'utf8'),
      key: readFileSync(join(work, 'server.key'), 'utf8'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
