import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_WRAPPER, assertShellNames, effectiveArgv, envSecretName, renderEnvFile } from './env-secret.js';

describe('renderEnvFile', () => {
  it('round-trips any value through a real sh, with the wrapper exec-ing the original argv', () => {
    const env = {
      QUOTES: `it's "quoted" 'twice'`,
      SHELLY: '$HOME `id` $(id) \\ ; && | > *',
      LINES: 'one\ntwo\n',
      EMPTY: '',
    };
    const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
    try {
      const file = join(dir, 'env');
      writeFileSync(file, renderEnvFile(env));
      const script =
        'process.stdout.write(JSON.stringify(Object.fromEntries(Object.keys(JSON.parse(process.argv[1])).map((k) => [k, process.env[k]]))))';
      const result = spawnSync(
        '/bin/sh',
        ['-c', ENV_WRAPPER, file, process.execPath, '-e', script, JSON.stringify(env)],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
      );
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('assertShellNames', () => {
  it('refuses a name a shell cannot assign, naming the key and never the value', () => {
    expect(() => assertShellNames({ 'BAD-NAME': 'secret-value' })).toThrow(/BAD-NAME/);
    expect(() => assertShellNames({ '1X': 'v' })).toThrow();
    expect(() => assertShellNames({ RUNNER_NAME: 'v', _x1: 'v' })).not.toThrow();
  });
});

describe('effectiveArgv', () => {
  const image = { entrypoint: ['/entry.sh'], cmd: ['sleep', '600'] };
  it.each([
    [{}, ['/entry.sh', 'sleep', '600']],
    [{ command: ['run.sh'] }, ['/entry.sh', 'run.sh']],
    [{ entrypoint: ['/bin/x'] }, ['/bin/x']],
    [{ entrypoint: ['/bin/x'], command: ['a'] }, ['/bin/x', 'a']],
  ])('follows Docker: %j runs %j', (spec, argv) => {
    expect(effectiveArgv(spec, image)).toEqual(argv);
  });
});

describe('envSecretName', () => {
  it('is unique per call and within the Swarm limit of 64 characters', () => {
    const long = 'r'.repeat(63);
    expect(envSecretName(long).length).toBeLessThanOrEqual(64);
    expect(envSecretName('a')).not.toBe(envSecretName('a'));
  });
});
