import { AppError, isAppError } from '@gha-ephemeral/contract';
import { deadlineFetch, DEFAULT_REQUEST_TIMEOUT_MS } from '../deadline/deadline-fetch.js';
import type { DeleteRunnerResult } from '../port.js';
import { ActionsAuth, type ActionsAuthOptions } from './actions-auth.js';
import { actionsHttpError, actionsNetworkError } from './actions-errors.js';
import { parseMessage } from './message.js';
import type {
  RunnerGroup,
  RunnerScaleSet,
  ScaleSetAgent,
  ScaleSetJitRunner,
  ScaleSetMessage,
  ScaleSetSession,
} from './types.js';

const API_VERSION = '6.0-preview';
/** How long GitHub holds a long poll open before answering 202. */
export const LONG_POLL_MS = 50_000;

/** Options of {@link ActionsServiceClient}. */
export interface ActionsServiceClientOptions extends Omit<ActionsAuthOptions, 'fetch' | 'now'> {
  fetch?: typeof fetch;
  now?: () => number;
  /** Deadline of one call (default 20 s). */
  requestTimeoutMs?: number;
  /** Deadline of one long poll: GitHub's 50 s wait plus a margin (default 80 s). */
  pollTimeoutMs?: number;
}

/** Labels as the service takes them: all `System`. */
const systemLabels = (labels: readonly string[]) => labels.map((name) => ({ name, type: 'System' }));

/**
 * GitHub's Actions service for one scope: runner groups, scale sets, sessions, the message queue and the runners of
 * a scale set (see docs/scale-sets.md). Every call has a deadline; an admin token the service refuses is exchanged
 * again once. Failures are `AppError`s (`github.session_conflict`, `github.runner_exists`, …), never with a token.
 */
export class ActionsServiceClient {
  readonly #auth: ActionsAuth;
  readonly #fetch: typeof fetch;
  readonly #pollFetch: typeof fetch;
  readonly #userAgent: string;

  constructor(options: ActionsServiceClientOptions) {
    const inner = options.fetch ?? fetch;
    this.#auth = new ActionsAuth({
      ...options,
      fetch: deadlineFetch(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, inner),
      now: options.now ?? Date.now,
    });
    this.#fetch = deadlineFetch(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, inner);
    this.#pollFetch = deadlineFetch(options.pollTimeoutMs ?? LONG_POLL_MS + 30_000, inner);
    this.#userAgent = options.userAgent;
  }

  async #send(
    url: string,
    init: { method: string; token: string; body?: unknown; headers?: Record<string, string> },
    what: string,
    signal?: AbortSignal,
    fetcher = this.#fetch,
  ): Promise<{ status: number; text: string }> {
    let response: Response;
    try {
      response = await fetcher(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${init.token}`,
          accept: `application/json; api-version=${API_VERSION}`,
          'user-agent': this.#userAgent,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw actionsNetworkError(error, what);
    }
    const text = await response.text();
    if (response.status >= 400) throw actionsHttpError(response.status, text, what);
    return { status: response.status, text };
  }

  /** A call under the service URL with the admin token, exchanged again once if the service refuses it. */
  async #admin<T>(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const admin = await this.#auth.admin(signal);
      const url = new URL(`${admin.url.replace(/\/$/, '')}/${path}`);
      url.searchParams.set('api-version', API_VERSION);
      try {
        const { text } = await this.#send(url.toString(), { method, token: admin.token, body }, what, signal);
        return (text === '' ? undefined : JSON.parse(text)) as T;
      } catch (error) {
        if (attempt > 0 || !isAppError(error) || error.code !== 'github.unauthorized') throw error;
        this.#auth.invalidate(admin.token);
      }
    }
  }

  /** The runner group of that name, or null. */
  async runnerGroup(name: string, signal?: AbortSignal): Promise<RunnerGroup | null> {
    const path = `_apis/runtime/runnergroups/?groupName=${encodeURIComponent(name)}`;
    const list = await this.#admin<{ value?: RunnerGroup[] }>(
      'GET',
      path,
      `find runner group ${name}`,
      undefined,
      signal,
    );
    return list.value?.[0] ?? null;
  }

  /** The scale set of that name in the group, or null. */
  async findScaleSet(
    runnerGroupId: number,
    name: string,
    signal?: AbortSignal,
  ): Promise<RunnerScaleSet | null> {
    const path = `_apis/runtime/runnerscalesets?runnerGroupId=${runnerGroupId}&name=${encodeURIComponent(name)}`;
    const list = await this.#admin<{ value?: RunnerScaleSet[] }>(
      'GET',
      path,
      `find scale set ${name}`,
      undefined,
      signal,
    );
    return list.value?.find((set) => set.name.toLowerCase() === name.toLowerCase()) ?? null;
  }

  /** Creates a scale set with these labels (the name is one of them), updates off. */
  createScaleSet(
    spec: { name: string; runnerGroupId: number; labels: readonly string[] },
    signal?: AbortSignal,
  ): Promise<RunnerScaleSet> {
    const body = {
      name: spec.name,
      runnerGroupId: spec.runnerGroupId,
      labels: systemLabels(spec.labels),
      RunnerSetting: { disableUpdate: true },
    };
    return this.#admin(
      'POST',
      '_apis/runtime/runnerscalesets',
      `create scale set ${spec.name}`,
      body,
      signal,
    );
  }

  /** Sets a scale set's labels. */
  updateScaleSet(
    set: RunnerScaleSet,
    labels: readonly string[],
    signal?: AbortSignal,
  ): Promise<RunnerScaleSet> {
    const body = { ...set, labels: systemLabels(labels) };
    return this.#admin(
      'PATCH',
      `_apis/runtime/runnerscalesets/${set.id}`,
      `update scale set ${set.name}`,
      body,
      signal,
    );
  }

  /** Opens the scale set's message session; `github.session_conflict` while another one is live. */
  async createSession(scaleSetId: number, ownerName: string, signal?: AbortSignal): Promise<ScaleSetSession> {
    const path = `_apis/runtime/runnerscalesets/${scaleSetId}/sessions`;
    try {
      return await this.#admin(
        'POST',
        path,
        `open a session on scale set ${scaleSetId}`,
        { ownerName },
        signal,
      );
    } catch (error) {
      // Any 409 here is a live session, whatever the body says (ARC decides on the status too).
      if (!isAppError(error) || error.code !== 'github.conflict') throw error;
      throw new AppError('github.session_conflict', error.message, {
        ...(error.details ? { details: error.details } : {}),
        cause: error,
      });
    }
  }

  /** Renews the session's queue token. */
  refreshSession(scaleSetId: number, sessionId: string, signal?: AbortSignal): Promise<ScaleSetSession> {
    const path = `_apis/runtime/runnerscalesets/${scaleSetId}/sessions/${sessionId}`;
    return this.#admin('PATCH', path, `refresh the session of scale set ${scaleSetId}`, undefined, signal);
  }

  /** Closes the session, so another listener may open one at once. */
  async deleteSession(scaleSetId: number, sessionId: string, signal?: AbortSignal): Promise<void> {
    const path = `_apis/runtime/runnerscalesets/${scaleSetId}/sessions/${sessionId}`;
    await this.#admin('DELETE', path, `close the session of scale set ${scaleSetId}`, undefined, signal);
  }

  /**
   * The next message (a long poll of about 50 s), or null when none came. `github.unauthorized` when the queue
   * token expired: refresh the session and poll again.
   */
  async getMessage(
    session: ScaleSetSession,
    lastMessageId: number,
    maxCapacity: number,
    signal?: AbortSignal,
  ): Promise<ScaleSetMessage | null> {
    const url = new URL(session.messageQueueUrl);
    url.searchParams.set('lastMessageId', String(lastMessageId));
    const init = {
      method: 'GET',
      token: session.messageQueueAccessToken,
      headers: { 'x-scalesetmaxcapacity': String(Math.max(0, maxCapacity)) },
    };
    const { status, text } = await this.#send(url.toString(), init, 'get a message', signal, this.#pollFetch);
    if (status === 202 || text === '') return null;
    return parseMessage(text);
  }

  /** Acknowledges a message: it is not delivered again. */
  async deleteMessage(session: ScaleSetSession, messageId: number, signal?: AbortSignal): Promise<void> {
    const url = new URL(session.messageQueueUrl);
    url.pathname = `${url.pathname.replace(/\/$/, '')}/${messageId}`;
    const init = { method: 'DELETE', token: session.messageQueueAccessToken };
    await this.#send(url.toString(), init, `acknowledge message ${messageId}`, signal);
  }

  /** Acquires offered jobs (GHES sends `JobAvailable`); returns the ids acquired. */
  async acquireJobs(
    scaleSetId: number,
    requestIds: readonly number[],
    signal?: AbortSignal,
  ): Promise<number[]> {
    const path = `_apis/runtime/runnerscalesets/${scaleSetId}/acquirejobs`;
    const answer = await this.#admin<{ value?: number[] }>('POST', path, 'acquire jobs', requestIds, signal);
    return answer.value ?? [];
  }

  /** Registers a runner of the scale set; `github.runner_exists` when the name is taken. */
  generateJitConfig(
    scaleSetId: number,
    name: string,
    workFolder: string,
    signal?: AbortSignal,
  ): Promise<ScaleSetJitRunner> {
    const path = `_apis/runtime/runnerscalesets/${scaleSetId}/generatejitconfig`;
    return this.#admin('POST', path, `register runner ${name}`, { name, workFolder }, signal);
  }

  /** The runner (agent) of that name, or null. */
  async findAgent(name: string, signal?: AbortSignal): Promise<ScaleSetAgent | null> {
    const path = `_apis/distributedtask/pools/0/agents?agentName=${encodeURIComponent(name)}`;
    const list = await this.#admin<{ value?: ScaleSetAgent[] }>(
      'GET',
      path,
      `find runner ${name}`,
      undefined,
      signal,
    );
    return list.value?.find((agent) => agent.name === name) ?? null;
  }

  /** Deletes a runner's registration: `busy` while it runs a job, `not_found` when it is gone already. */
  async deleteAgent(id: number, signal?: AbortSignal): Promise<DeleteRunnerResult> {
    try {
      await this.#admin(
        'DELETE',
        `_apis/distributedtask/pools/0/agents/${id}`,
        `delete runner ${id}`,
        undefined,
        signal,
      );
      return 'deleted';
    } catch (error) {
      if (isAppError(error) && error.code === 'github.not_found') return 'not_found';
      if (isAppError(error) && error.code === 'github.job_still_running') return 'busy';
      throw error;
    }
  }
}
