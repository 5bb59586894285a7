import type { RunnerCredentials } from './protocol.js';

/**
 * The encoded just-in-time configuration, shaped like the real one: base64 of a JSON object whose
 * `.runner` and `.credentials` members are themselves base64 JSON files. It holds the runner's own
 * secret, never an API token.
 */
interface JitFiles {
  '.runner': string;
  '.credentials': string;
}

interface RunnerFile {
  agentId: number;
  agentName: string;
  serverUrl: string;
  gitHubUrl: string;
  workFolder: string;
  ephemeral: boolean;
}

interface CredentialsFile {
  scheme: 'SimRunnerSecret';
  data: { secret: string };
}

const toBase64 = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** Encodes runner credentials as an `encoded_jit_config` string. */
export function encodeJitConfig(credentials: RunnerCredentials): string {
  const runner: RunnerFile = {
    agentId: credentials.runnerId,
    agentName: credentials.runnerName,
    serverUrl: credentials.serverUrl,
    gitHubUrl: credentials.gitHubUrl,
    workFolder: credentials.workFolder,
    ephemeral: credentials.ephemeral,
  };
  const creds: CredentialsFile = { scheme: 'SimRunnerSecret', data: { secret: credentials.secret } };
  const files: JitFiles = { '.runner': toBase64(runner), '.credentials': toBase64(creds) };
  return toBase64(files);
}

function parseBase64Json(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string' || text.length === 0) throw new Error(`invalid jit config: ${what} missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    // The cause would echo the secret-bearing text; say only which part is broken.
    throw new Error(`invalid jit config: ${what} is not base64 JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`invalid jit config: ${what} is not an object`);
  return parsed as Record<string, unknown>;
}

/** Decodes an `encoded_jit_config`; throws an Error (that never quotes the input) when it is malformed. */
export function decodeJitConfig(encoded: string): RunnerCredentials {
  const files = parseBase64Json(encoded.trim(), 'config');
  const runner = parseBase64Json(files['.runner'], '.runner');
  const creds = parseBase64Json(files['.credentials'], '.credentials');
  const data = creds['data'] as Record<string, unknown> | undefined;
  const { agentId, agentName, serverUrl, gitHubUrl, workFolder } = runner;
  const secret = data?.['secret'];
  if (typeof agentId !== 'number' || typeof agentName !== 'string' || typeof serverUrl !== 'string') {
    throw new Error('invalid jit config: .runner lacks agentId, agentName or serverUrl');
  }
  if (typeof secret !== 'string') throw new Error('invalid jit config: .credentials lacks a secret');
  return {
    serverUrl,
    runnerId: agentId,
    runnerName: agentName,
    secret,
    ephemeral: runner['ephemeral'] !== false,
    workFolder: typeof workFolder === 'string' ? workFolder : '_work',
    gitHubUrl: typeof gitHubUrl === 'string' ? gitHubUrl : '',
  };
}
