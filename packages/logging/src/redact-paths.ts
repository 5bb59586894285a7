const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'registrationToken',
  'registration_token',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'webhookSecret',
  'privateKey',
  'private_key',
  'apiKey',
  'api_key',
  'apiKeys',
  'encoded_jit_config',
  'encodedJitConfig',
  'jitConfig',
  'jit_config',
  'cookie',
  'x-api-key',
  // Docker container specs carry the runner's environment, which holds its registration token or JIT config.
  'Env',
  'env',
];

const HEADER_KEYS = ['authorization', 'Authorization', 'cookie', 'set-cookie', 'x-api-key'];

const path = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);

const ENV_KEYS = new Set(['Env', 'env']);

/**
 * The pino `redact` censor: `[REDACTED]`, except that an `env` holding a plain word (`env: "production"`) is not
 * an environment list and stays readable.
 */
export function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  return key !== undefined && ENV_KEYS.has(key) && typeof value !== 'object' ? value : '[REDACTED]';
}

/**
 * The pino `redact` paths: the keys above at the top level and one level down, and the credential headers of a
 * `headers` object at those levels. Deeper wildcards (`*.*.key`) would double pino's cost on every line (the
 * gateway's benchmark measured it): the last pass over each written line (the `Redactor`) already catches
 * every known secret value, under any name and at any depth.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [path(key).replace(/^\./, ''), `*${path(key)}`]),
  ...HEADER_KEYS.flatMap((key) => [`headers${path(key)}`, `*.headers${path(key)}`]),
];
