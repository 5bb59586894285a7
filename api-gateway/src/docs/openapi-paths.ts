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
    NotFound: error('`runner.not_found`: no runner has this id (it may have finished its job and gone).'),
    TooLarge: error('`request.too_large`: the body is over 64 KiB.'),
    UnsupportedMediaType: error('`request.unsupported_media_type`: the body is not `application/json`.'),
    RateLimited: error(
      '`rate_limit.exceeded` (this client sent more than `RATE_LIMIT_MAX` requests in `RATE_LIMIT_WINDOW`) or `runner.capacity_reached` (`MAX_RUNNERS` are running). Wait `Retry-After` seconds.',
      { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } },
    ),
    BadGateway: error(
      '`upstream.bad_response`, `upstream.unauthorized` (gateway and orchestrator disagree on `ORCHESTRATOR_API_TOKEN`), or an error of GitHub or Docker passed on by the orchestrator (`github.*`, `runtime.*`, `runner.create_failed`).',
    ),
    Unavailable: error(
      '`upstream.unavailable`: the orchestrator cannot be reached; or `github.rate_limited`, `runtime.unavailable`.',
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

const SHORT = " The same as the `/api/v1` route; kept for the original design's clients.";

/** The `paths` of the OpenAPI document: the gateway's routes of CONTRACT.md. */
export function paths(): Json {
  return {
    '/health': {
      get: {
        tags: ['health'],
        operationId: 'getHealth',
        summary: 'Health of the gateway and the orchestrator',
        description:
          '`ok`: everything answers. `degraded` (still 200): the orchestrator answers but reports Docker or GitHub down. `down` (503): the orchestrator cannot be reached. Needs no key and is never rate limited.',
        security: [],
        responses: {
          '200': { description: 'The gateway works (`ok` or `degraded`).', ...json(ref('Health')) },
          '503': { description: 'The orchestrator cannot be reached (`down`).', ...json(ref('Health')) },
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
    '/runners': { get: listRunners('listRunnersShort', SHORT) },
    '/runners/{id}': { get: getRunner('getRunnerShort', SHORT) },
  };
}
