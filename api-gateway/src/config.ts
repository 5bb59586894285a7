import {
  envBool,
  envCsv,
  envEnum,
  envInt,
  envPort,
  envSecret,
  envString,
  envUrl,
  loadConfig,
  redactConfig,
} from '@gha-ephemeral/config';
import { LOG_FORMATS, LOG_LEVEL_ALIASES, LOG_LEVELS } from '@gha-ephemeral/logging';
import { z } from 'zod';
import { ApiKey, envCorsOrigins, envSeconds, envTrustProxy } from './config-fields.js';

/** The variables that hold secrets: they accept `NAME_FILE` and are never logged. */
export const GATEWAY_SECRETS = [
  'ORCHESTRATOR_API_TOKEN',
  'GATEWAY_API_KEYS',
  'GITHUB_WEBHOOK_SECRET',
] as const;

const schema = z.object({
  API_GATEWAY_HOST: envString({ default: '0.0.0.0' }),
  API_GATEWAY_PORT: envPort(8080),
  ORCHESTRATOR_URL: envUrl('http://orchestrator:8000'),
  ORCHESTRATOR_API_TOKEN: envSecret(),
  /** Bound on a read (and on connecting) to the orchestrator. */
  ORCHESTRATOR_TIMEOUT: envSeconds({ default: 10, min: 1, max: 600 }),
  /** Bound on `POST`/`DELETE`: starting runners may pull an image and talk to GitHub several times. */
  ORCHESTRATOR_WRITE_TIMEOUT: envSeconds({ default: 60, min: 1, max: 1800 }),
  GATEWAY_API_KEYS: envCsv({ item: ApiKey }),
  /** Verifies `X-Hub-Signature-256` on `POST /webhooks/github`; unset closes that route (503). */
  GITHUB_WEBHOOK_SECRET: envSecret(),
  RATE_LIMIT_MAX: envInt({ default: 100, min: 1, max: 1_000_000_000 }),
  RATE_LIMIT_WINDOW: envSeconds({ default: 60, min: 1, max: 86_400 }),
  /** `/health` requests per minute per client, in a bucket of their own (answers are cached, so this is cheap). */
  RATE_LIMIT_HEALTH_MAX: envInt({ default: 600, min: 1, max: 1_000_000_000 }),
  TRUST_PROXY: envTrustProxy(),
  CORS_ORIGINS: envCorsOrigins(),
  LOG_LEVEL: envEnum(LOG_LEVELS, 'INFO', { aliases: LOG_LEVEL_ALIASES }),
  LOG_VERBOSE: envBool(false),
  LOG_FORMAT: envEnum(LOG_FORMATS, 'auto'),
  APP_VERSION: envString(),
});

/** The gateway's configuration, checked and frozen. Durations are in seconds. */
export type GatewayConfig = Readonly<z.output<typeof schema>>;

/**
 * Reads and checks the gateway's environment; every bad variable is reported at once in one `ConfigError`
 * (code `config.invalid`). `NAME_FILE` works for {@link GATEWAY_SECRETS}.
 */
export function loadGatewayConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): GatewayConfig {
  return loadConfig(schema, { env, secrets: GATEWAY_SECRETS }) as GatewayConfig;
}

/** The configuration as it may be logged: secrets as `[set]`/`[unset]`, plus how many API keys there are. */
export function redactedGatewayConfig(config: GatewayConfig): Record<string, unknown> {
  return { ...redactConfig(config, GATEWAY_SECRETS), apiKeyCount: config.GATEWAY_API_KEYS.length };
}
