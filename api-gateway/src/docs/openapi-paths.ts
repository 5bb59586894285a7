import { activityPaths } from './openapi-activity-paths.js';
import { runnerIdSchema } from './openapi-schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, extra: Json = {}): Json => ({
  content: { 'application/json': { schema, ...extra } },
});
const errors = (...names: string[]): Json =>
  Object.fromEntries(
    names.map((name): [string, Json] => [
      ERROR_STATUS[name] ?? '500',
      { $ref: `#/components/responses/${name}` },
    ]),
  );

const ERROR_STATUS: Readonly<Record<string, string>> = {
  BadRequest: '400',
  Unauthorized: '401',
  Forbidden: '403',
  NotFound: '404',
  TooLarge: '413',
  UnsupportedMediaType: '415',
  RateLimited: '429',
  BadGateway: '502',
  Unavailable: '503',
  Timeout: '504',
};

const UPSTREAM = ['BadGateway', 'Unavailable', 'Timeout'];

/** Reusable error responses: each lists the codes a client may branch on. */
export function errorResponses(): Json {
  const error = (description: string, extra: Json = {}): Json => ({
    description,
    ...json(ref('Error')),
    ...extra,
  });
  return {
    BadRequest: error(
      '`request.invalid` (a field, the id or a name breaks the rules; `details.problems` lists each) or `request.invalid_json`.',
    ),
    Unauthorized: error(
      '`auth.missing` (no `Authorization` header), `auth.invalid` (unknown key or not the Bearer scheme) or `auth.not_configured` (the gateway has no `GATEWAY_API_KEYS`).',
      { headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
    ),
    Forbidden: error(
      "`runner.public_repository`: the repository is public, and any fork's pull request could run code on the runner; the orchestrator refuses it unless `ALLOW_PUBLIC_REPOSITORIES=true`.",
    ),
    NotFound: error('`runner.not_found`: no runner has this id (it may have finished its job and gone).'),
    TooLarge: error('`request.too_large`: the body is over 64 KiB.'),
    UnsupportedMediaType: error('`request.unsupported_media_type`: the body is not `application/json`.'),
    RateLimited: error(
      '`rate_limit.exceeded` (this client sent more than `RATE_LIMIT_MAX` requests in `RATE_LIMIT_WINDOW`) or `runner.capacity_reached` (`MAX_RUNNERS` are running). Wait `Retry-After` seconds.',
      { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } },
    ),
    BadGateway: error(
      '`upstream.bad_response`, `upstream.unauthorized` (gateway and orchestrator disagree on `ORCHESTRATOR_API_TOKEN`), or an error of GitHub or Docker passed on by the orchestrator (`github.*`, `runtime.*`).',
    ),
    Unavailable: error(
      '`upstream.unavailable`: the orchestrator cannot be reached; or `github.rate_limited`, `runtime.unavailable`; or `events.too_many_streams` (too many event streams are open), `service.stopping` (a stream asked for while the service stops).',
    ),
    Timeout: error(
      '`upstream.timeout`: the orchestrator did not answer in time. A create may still complete: list the runners.',
    ),
  };
}

const idParameter = (): Json => ({
  name: 'id',
  in: 'path',
  required: true,
  description: 'The runner id, as returned when it was created (also its name on GitHub).',
  schema: runnerIdSchema(),
});

function listRunners(operationId: string, note: string): Json {
  return {
    tags: ['runners'],
    operationId,
    summary: 'List runners',
    description: `Every runner container this system runs, with its status on GitHub.${note}`,
    responses: {
      '200': { description: 'The runners.', ...json(ref('RunnerList')) },
      ...errors('Unauthorized', 'RateLimited', ...UPSTREAM),
    },
  };
}

function getRunner(operationId: string, note: string): Json {
  return {
    tags: ['runners'],
    operationId,
    summary: 'Get one runner',
    description: `One runner by id.${note}`,
    parameters: [idParameter()],
    responses: {
      '200': { description: 'The runner.', ...json(ref('Runner')) },
      ...errors('BadRequest', 'Unauthorized', 'NotFound', 'RateLimited', ...UPSTREAM),
    },
  };
}

const headerParameter = (name: string, description: string, required: boolean): Json => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});

function githubWebhook(): Json {
  const status = (description: string, value: Json): Json => ({
    description,
    ...json(
      { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' } } },
      { example: value },
    ),
  });
  return {
    tags: ['webhooks'],
    operationId: 'receiveGitHubWebhook',
    summary: 'Receive a GitHub webhook delivery',
    description:
      "Point a GitHub webhook (repository, organization or App) here with the event **Workflow jobs**, content type `application/json` (or `application/x-www-form-urlencoded`), and a secret equal to the gateway's `GITHUB_WEBHOOK_SECRET`. A delivery without `X-Hub-Signature-256`, or with one that is not `sha256=` and 64 hex digits, gets 401 before its body is read. The HMAC of the raw body is then checked, in constant time: a forged delivery gets 401 and goes no further. `ping` gets 200. `workflow_job` gets 202 at once and is handed to the orchestrator afterwards, which starts a runner for a `queued` job whose labels the pool has (the same plan as its poller, so the two never double up), and removes the runner of a `completed` one. A redelivery (the same `X-GitHub-Delivery`) does nothing. Every other event gets 202 and is ignored. Needs no API key and is not subject to the per-client rate limit; bodies over 1 MiB are refused (413).",
    security: [],
    parameters: [
      headerParameter(
        'X-Hub-Signature-256',
        '`sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the webhook secret.',
        true,
      ),
      headerParameter('X-GitHub-Event', '`workflow_job`, `ping`, or another event (ignored).', true),
      headerParameter('X-GitHub-Delivery', 'The delivery GUID; a redelivery reuses it.', true),
    ],
    requestBody: {
      required: true,
      description:
        "GitHub's payload for the event (`action`, `workflow_job`, `repository`, `organization`, `sender`, …).",
      content: {
        'application/json': { schema: { type: 'object' } },
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            properties: { payload: { type: 'string', description: 'The JSON payload.' } },
          },
        },
      },
    },
    responses: {
      '200': status('A `ping`: the hook works.', { status: 'pong' }),
      '202': status(
        '`workflow_job` accepted (handed to the orchestrator after this answer), or an event or action that is ignored.',
        { status: 'accepted' },
      ),
      '400': {
        description:
          '`webhook.payload_invalid`: signed, but not a `workflow_job` payload the gateway can read, or a field over its bound (a runner name over 64 characters, a label over 100, more than 100 labels); the message names the field.',
        ...json(ref('Error')),
      },
      '401': {
        description:
          '`webhook.signature_missing` (no `X-Hub-Signature-256`) or `webhook.signature_invalid` (not `sha256=` and 64 hex digits, or it does not match the body: the secrets differ).',
        ...json(ref('Error')),
      },
      '413': {
        description:
          '`request.too_large`: the delivery is over 1 MiB (only events this endpoint ignores are that large).',
        ...json(ref('Error')),
      },
      '503': {
        description:
          '`webhook.not_configured` (the gateway has no `GITHUB_WEBHOOK_SECRET`) or `webhook.overloaded` (too many deliveries wait for the orchestrator; redeliver it later).',
        ...json(ref('Error')),
      },
    },
  };
}

function metrics(): Json {
  return {
    tags: ['health'],
    operationId: 'getMetrics',
    summary: 'Prometheus metrics of the gateway',
    description:
      "The gateway's metrics in the Prometheus text format: HTTP requests by route pattern and status, their durations, failures to reach the orchestrator, webhook deliveries by result, and hand-overs to the orchestrator. Only counts: no repository, runner, client or secret appears in a label. Needs no key and is not rate limited. The orchestrator serves its own `/metrics` (runners by state, runners started and removed, jobs seen, time from `queued` to a running runner, GitHub requests and rate limit) on the internal network.",
    security: [],
    responses: {
      '200': {
        description: 'The metrics.',
        content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
      },
    },
  };
}

const SHORT = " The same as the `/api/v1` route; kept for the original design's clients.";

/** The `paths` of the OpenAPI document: the gateway's routes of docs/api.md. */
export function paths(): Json {
  return {
    '/health': {
      get: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Health of the gateway and the orchestrator',
        description:
          '`ok`: everything answers. `degraded` (still 200): the orchestrator answers but reports Docker or GitHub down. `down` (503): the orchestrator cannot be reached. Answered from a view of the orchestrator shared by every caller and refreshed at most once a second (concurrent callers wait for one request), so a flood of health checks never reaches Docker or GitHub. Needs no key; limited to `RATE_LIMIT_HEALTH_MAX` (default 600) a minute per client, in a bucket of its own that neither spends nor is spent by the API allowance.',
        security: [],
        responses: {
          '200': { description: 'The gateway works (`ok` or `degraded`).', ...json(ref('Health')) },
          '429': {
            description:
              '`rate_limit.exceeded`: this client sent more than `RATE_LIMIT_HEALTH_MAX` health checks in a minute. Wait `Retry-After` seconds.',
            ...json(ref('Error')),
          },
          '503': { description: 'The orchestrator cannot be reached (`down`).', ...json(ref('Health')) },
        },
      },
    },
    '/api/v1/pools': {
      get: {
        tags: ['runners'],
        operationId: 'listPools',
        summary: 'List runner pools',
        description:
          "Each pool of the orchestrator's pool file (or the one `default` pool): its labels, image, limits, `max` and `minIdle`, its environment's variable names and placeholders (never a literal value), and its runners by status.",
        responses: {
          '200': { description: 'The pools, in file order.', ...json(ref('PoolList')) },
          ...errors('Unauthorized', 'RateLimited', ...UPSTREAM),
        },
      },
    },
    '/api/v1/runners': {
      get: listRunners('listRunners', ''),
      post: {
        tags: ['runners'],
        operationId: 'createRunners',
        summary: 'Start runners',
        description:
          'Starts `count` ephemeral runners (default 1) for a repository or an organization. Each takes one job and is then removed. All or nothing: if one cannot be started, none is left behind.',
        requestBody: {
          required: true,
          ...json(ref('CreateRunnersRequest'), {
            examples: {
              repository: {
                summary: 'One runner for a repository',
                value: { repository: 'octo-org/octo-repo' },
              },
              organization: {
                summary: 'Three GPU runners for an organization',
                value: { organization: 'octo-org', labels: ['gpu'], count: 3 },
              },
            },
          }),
        },
        responses: {
          '201': { description: 'The runners started.', ...json(ref('CreateRunnersResponse')) },
          ...errors(
            'BadRequest',
            'Unauthorized',
            'Forbidden',
            'TooLarge',
            'UnsupportedMediaType',
            'RateLimited',
            ...UPSTREAM,
          ),
        },
      },
    },
    '/api/v1/runners/{id}': {
      get: getRunner('getRunner', ''),
      delete: {
        tags: ['runners'],
        operationId: 'deleteRunner',
        summary: 'Remove a runner',
        description:
          "Removes the container and the runner's GitHub registration. 204: both are gone. 202: the container is gone and GitHub still holds the registration (for example while it finishes a job); the orchestrator removes it in the background.",
        parameters: [idParameter()],
        responses: {
          '202': { description: 'Container removed; the GitHub registration is being removed.' },
          '204': { description: 'Removed.' },
          ...errors('BadRequest', 'Unauthorized', 'NotFound', 'RateLimited', ...UPSTREAM),
        },
      },
    },
    '/webhooks/github': { post: githubWebhook() },
    '/metrics': { get: metrics() },
    '/runners': { get: listRunners('listRunnersShort', SHORT) },
    '/runners/{id}': { get: getRunner('getRunnerShort', SHORT) },
    ...activityPaths(),
  };
}
