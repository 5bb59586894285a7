import { describe, expect, it } from 'vitest';
import { createLogger, type CreateLoggerOptions } from './create-logger.js';
import { dockerError, octokitError } from './testing/error-fixtures.js';

const SECRET = 'my-very-secret-runner-token';
// A PEM block's frame, assembled at run time so that no key-looking text is committed.
const PEM_BEGIN = ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
const PEM_END = ['-----END', 'RSA', 'PRIVATE', 'KEY-----'].join(' ');
// Made up at run time in GitHub's installation-token shape: no real token is ever committed.
const GH_TOKEN = `ghs_${'16C7e42F292c6912E7710c83834'}${String(Date.now()).slice(-9)}`;

function both(options: Partial<CreateLoggerOptions> = {}) {
  return (['json', 'pretty'] as const).map((format) => {
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };
    const created = createLogger({ service: 'orchestrator', format, verbose: true, destination, ...options });
    return { format, ...created, text: () => lines.join('') };
  });
}

describe('redaction', () => {
  it.each(both({ secrets: [SECRET, undefined] }))(
    'hides known values in message, fields and nested objects ($format)',
    ({ logger, text }) => {
      logger.info({ note: `uses ${SECRET}`, deep: { deeper: { list: [SECRET] } } }, `token is ${SECRET}`);
      logger.info(`pat ${GH_TOKEN} in text`);
      expect(text()).not.toContain(SECRET);
      expect(text()).not.toContain(GH_TOKEN);
      expect(text()).toContain('[REDACTED]');
      expect(text()).toContain('ghs_[REDACTED]');
    },
  );

  it.each(both())('censors secret fields by name ($format)', ({ logger, text }) => {
    logger.info(
      {
        token: 'abc',
        headers: { authorization: 'x' },
        req: { headers: { authorization: 'y', 'x-api-key': 'z' } },
        runner: { encoded_jit_config: 'eyJqaXQiOiJjb25maWcifQ==', jitConfig: 'j' },
        spec: { Env: ['ACCESS_TOKEN=short', 'RUNNER_NAME=r1'] },
        env: 'production',
        app: { privateKey: 'k', password: 'p' },
      },
      'create',
    );
    const out = text();
    for (const value of ['"abc"', 'eyJqaXQ', 'short', 'RUNNER_NAME']) expect(out).not.toContain(value);
    expect(out).toContain('production');
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(8);
  });

  it.each(both({ secrets: [SECRET] }))(
    'hides secrets in error messages, stacks and causes ($format)',
    ({ logger, text }) => {
      const cause = new Error(`upstream said ${SECRET} and ${GH_TOKEN}`);
      logger.error({ err: new Error(`wrapped ${SECRET}`, { cause }) }, 'failed');
      expect(text()).not.toContain(SECRET);
      expect(text()).not.toContain(GH_TOKEN);
      expect(text()).toContain('upstream said');
    },
  );

  it.each(both())(
    'logs an Octokit RequestError without its headers or response ($format)',
    ({ logger, text }) => {
      logger.error({ err: octokitError(GH_TOKEN) }, 'GitHub call failed');
      const out = text();
      expect(out).not.toContain(GH_TOKEN.slice(4));
      expect(out).not.toContain('eyJsZWFrZWQ');
      expect(out).not.toContain('x-github-request-id');
      expect(out).toContain('Bad credentials');
      expect(out).toContain('401');
      expect(out).toContain('generate-jitconfig');
    },
  );

  it.each(both())('logs a dockerode error with its status and reason only ($format)', ({ logger, text }) => {
    logger.error({ err: dockerError() }, 'create failed');
    expect(text()).toContain('409');
    expect(text()).toContain('Conflict. The container name is already in use');
    expect(text()).not.toContain('leak');
  });

  it.each(both())('hides a secret added at run time ($format)', ({ logger, redactor, text }) => {
    const registrationToken = 'AABBCCDDEEFFGGHHIIJJKKLLMM';
    logger.info({ registration: registrationToken }, 'before');
    expect(text()).toContain(registrationToken);
    redactor.add(registrationToken);
    logger
      .child({ component: 'reconciler' })
      .info({ value: registrationToken }, `minted ${registrationToken}`);
    expect(text().split(registrationToken)).toHaveLength(2);
  });

  it.each(both())(
    'hides a PEM private key and an authorization header in any field ($format)',
    ({ logger, text }) => {
      const pem = `${PEM_BEGIN}\nMIIEowIBAAKCAQEA\n${PEM_END}\n`;
      logger.warn({ appKey: pem, raw: 'Authorization: Bearer abcdef.ghijk.lmnop' }, 'odd field');
      expect(text()).not.toContain('MIIEow');
      expect(text()).not.toContain('abcdef.ghijk');
    },
  );
});
