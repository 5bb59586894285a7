import type { GitHubSim, JobMessage } from '../../src/index.js';
import { TOKENS, octokitFor } from './sim.js';

/** An answer of the Actions service. */
export interface ActionsAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A small Actions service client for tests: the base URL and admin token from `actions/runner-registration`. */
export interface ActionsClient {
  url: string;
  token: string;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<ActionsAnswer<T>>;
}

/** Sends a JSON request; an empty answer has body `{}`. */
export async function send<T>(
  url: string,
  method: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ActionsAnswer<T>> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Trades a fresh registration token for the Actions service URL and an admin token, as GitHub's client does. */
export async function connect(
  sim: GitHubSim,
  scope: { repo: string } | { org: string },
): Promise<ActionsClient> {
  const gh = octokitFor(sim, TOKENS.alice);
  const [owner = '', repo = ''] = 'repo' in scope ? scope.repo.split('/') : [scope.org];
  const reg =
    'repo' in scope
      ? (await gh.actions.createRegistrationTokenForRepo({ owner, repo })).data.token
      : (await gh.actions.createRegistrationTokenForOrg({ org: owner })).data.token;
  const res = await fetch(`${sim.apiUrl}/actions/runner-registration`, {
    method: 'POST',
    headers: { authorization: `RemoteAuth ${reg}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      url: `${sim.url}/${'repo' in scope ? scope.repo : scope.org}`,
      runner_event: 'register',
    }),
  });
  const { url, token } = (await res.json()) as { url: string; token: string };
  return {
    url,
    token,
    call: (method, path, body, other) =>
      send(
        `${url}/_apis/${path}${path.includes('?') ? '&' : '?'}api-version=6.0-preview`,
        method,
        other ?? token,
        body,
      ),
  };
}

/** The job messages inside a queue message's `body`. */
export const jobMessagesOf = (message: { body: string }): JobMessage[] =>
  JSON.parse(message.body) as JobMessage[];

/** A created session's fields the tests use. */
export interface TestSession {
  sessionId: string;
  messageQueueUrl: string;
  messageQueueAccessToken: string;
  statistics: Record<string, number>;
}

/** A queue message as the poll answers it. */
export interface TestMessage {
  messageId: number;
  messageType: string;
  body: string;
  statistics: Record<string, number>;
}

/** One long poll of a session's queue. */
export const poll = (
  session: TestSession,
  maxCapacity = 5,
  token = session.messageQueueAccessToken,
): Promise<ActionsAnswer<TestMessage>> =>
  send<TestMessage>(`${session.messageQueueUrl}?lastMessageId=0`, 'GET', token, undefined, {
    accept: 'application/json; api-version=6.0-preview',
    'x-scalesetmaxcapacity': String(maxCapacity),
  });

/** Acknowledges (deletes) a message. */
export const ack = (session: TestSession, messageId: number): Promise<ActionsAnswer> =>
  send(`${session.messageQueueUrl}/${messageId}`, 'DELETE', session.messageQueueAccessToken);

/**
 * Polls and acknowledges until `done` holds for the job messages seen so far; returns them with the last
 * message (whose statistics are the latest).
 */
export async function pollUntil(
  session: TestSession,
  done: (seen: JobMessage[]) => boolean,
  maxPolls = 40,
): Promise<{ seen: JobMessage[]; last: TestMessage | undefined }> {
  const seen: JobMessage[] = [];
  let last: TestMessage | undefined;
  for (let i = 0; i < maxPolls && !done(seen); i += 1) {
    const answer = await poll(session);
    if (answer.status === 202) continue;
    if (answer.status !== 200) throw new Error(`poll answered ${answer.status}`);
    last = answer.body;
    seen.push(...jobMessagesOf(answer.body));
    await ack(session, answer.body.messageId);
  }
  if (!done(seen)) throw new Error(`gave up polling; saw ${seen.map((m) => m.messageType).join(', ')}`);
  return { seen, last };
}
