import { deriveApiUrl } from './api-url.js';
import { RunnerExit, statusName } from './errors.js';
import { TransportError, requestJson, sleep } from './http.js';
import type { JsonResponse } from './http.js';
import { RUNNER_VERSION } from './log.js';
import type { LogSink } from './log.js';
import type {
  AddAgentRequest,
  AddAgentResponse,
  RunnerCredentials,
  RunnerRegistrationResponse,
} from './protocol.js';

/** What `config.sh` takes. */
export interface RegistrationInput {
  /** Web URL of the repository or organization (`--url`). */
  url: string;
  /** Registration token (`--token`). Never logged. */
  token: string;
  name: string;
  labels?: string[];
  ephemeral?: boolean;
  noDefaultLabels?: boolean;
  workFolder?: string;
  runnerGroup?: string;
  replace?: boolean;
  /** REST base; derived from `url` when absent. */
  apiUrl?: string;
}

const CONNECT_ATTEMPTS = 10;

/** Retries a request while the server cannot be reached at all (it may still be starting). */
async function withConnectRetry(
  send: () => Promise<JsonResponse>,
  signal?: AbortSignal,
  delayMs = 1000,
): Promise<JsonResponse> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof TransportError) || attempt >= CONNECT_ATTEMPTS || signal?.aborted) throw error;
      await sleep(delayMs, signal);
    }
  }
}

/** Trades the registration token for the runner service's URL and admin token (`config.sh`, step one). */
export async function exchangeToken(
  input: { url: string; token: string; apiUrl?: string },
  event: 'register' | 'remove',
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<RunnerRegistrationResponse> {
  const endpoint = `${input.apiUrl ?? deriveApiUrl(input.url)}/actions/runner-registration`;
  const res = await withConnectRetry(
    () =>
      requestJson(endpoint, {
        method: 'POST',
        headers: { authorization: `RemoteAuth ${input.token}` },
        body: { url: input.url, runner_event: event },
        signal,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    signal,
  );
  const body = res.body as Partial<RunnerRegistrationResponse> | undefined;
  if (res.status !== 200 && res.status !== 201) {
    throw new RunnerExit(1, `Http response code: ${statusName(res.status)} from 'POST ${endpoint}'`);
  }
  if (typeof body?.url !== 'string' || typeof body.token !== 'string')
    throw new RunnerExit(1, `Unexpected answer from 'POST ${endpoint}'`);
  return { url: body.url, token: body.token, token_schema: 'OAuthAccessToken' };
}

/** Registers the runner as `config.sh --unattended` does; returns its credentials. */
export async function configureRunner(
  input: RegistrationInput,
  log: LogSink,
  signal?: AbortSignal,
): Promise<RunnerCredentials> {
  log('');
  log('# Authentication');
  log('');
  const service = await exchangeToken(input, 'register', signal);
  log('√ Connected to GitHub');
  log('');
  log('# Runner Registration');
  log('');
  const agent: AddAgentRequest = {
    name: input.name,
    labels: input.labels ?? [],
    ephemeral: input.ephemeral ?? false,
    noDefaultLabels: input.noDefaultLabels ?? false,
    workFolder: input.workFolder ?? '_work',
    ...(input.runnerGroup ? { runnerGroup: input.runnerGroup } : {}),
    replace: input.replace ?? false,
    version: RUNNER_VERSION,
  };
  const res = await withConnectRetry(
    () =>
      requestJson(`${service.url}/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${service.token}` },
        body: agent,
        signal,
      }),
    signal,
  );
  if (res.status === 409) throw new RunnerExit(1, `A runner exists with the same name ${input.name}.`);
  const answer = res.body as AddAgentResponse | undefined;
  if (res.status !== 201 || !answer?.credentials) {
    const message = (res.body as { message?: string } | undefined)?.message ?? statusName(res.status);
    throw new RunnerExit(1, `Failed to add the runner: ${message}`);
  }
  log('√ Runner successfully added');
  log('√ Runner connection is good');
  log('');
  log('# Runner settings');
  log('');
  log('√ Settings Saved.');
  log('');
  return answer.credentials;
}

/** Unregisters a runner as `config.sh remove --token T` does; best effort, bounded by `timeoutMs`. */
export async function removeRunner(
  input: { url: string; token: string; apiUrl?: string },
  runnerId: number,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const service = await exchangeToken(input, 'remove', undefined, timeoutMs);
    const res = await requestJson(`${service.url}/agents/${runnerId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${service.token}` },
      timeoutMs,
    });
    return res.status === 204 || res.status === 404;
  } catch {
    return false;
  }
}
