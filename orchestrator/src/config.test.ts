import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrchestratorConfig, redactedOrchestratorConfig } from './config.js';

const TOKEN = 'ghp_' + 'a'.repeat(36);
// Made at run time: no key is ever committed.
const APP_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

// Without ORCHESTRATOR_ID the orchestrator keeps its id in a state directory: never the home of whoever runs the
// tests, so every load here gets a directory of this file's own.
const TEMP = mkdtempSync(join(tmpdir(), 'orch-config-state-'));
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(TEMP, `state-${(dirs += 1)}`);
const STATE_DIR = freshDir();

/** Loads with the test's state directory unless `env` names one. */
const load = (env: Record<string, string>) =>
  loadOrchestratorConfig({ ORCHESTRATOR_STATE_DIR: STATE_DIR, ...env });

function problemsOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('orchestrator configuration', () => {
  it('has the documented defaults', () => {
    const config = load({ GITHUB_RUNNER_TOKEN: TOKEN });
    expect(config).toMatchObject({
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_WRITE_BURST: 50,
      RUNNER_IMAGE: 'myoung34/github-runner:latest',
      AUTO_CREATE_RUNNERS: false,
      RUNNER_CHECK_INTERVAL: 300,
      RUNNER_PURGE_INTERVAL: 300,
      DISCOVERY_MODE: 'all',
      LOG_LEVEL: 'INFO',
      LOG_VERBOSE: false,
      ORCHESTRATOR_PORT: 8000,
      MAX_RUNNERS: 10,
      RUNNER_NETWORK: 'gha-ephemeral-runners',
      RUNNER_MEMORY: 4 * 1024 ** 3,
      RUNNER_CPUS: 2e9,
      RUNNER_PIDS_LIMIT: 4096,
      command: null,
    });
    expect(config.template.source).toMatch(/just-in-time/);
    expect(config.template.entrypoint).toEqual(['/actions-runner/run.sh']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every bad variable at once, cross-field rules, template and command included', () => {
    let message = '';
    try {
      load({
        RUNNER_CHECK_INTERVAL: 'soon',
        MAX_RUNNERS: '0',
        DISCOVERY_MODE: 'organization',
        LOG_LEVEL: 'LOUD',
        RUNNER_COMMAND: 'run.sh; reboot',
        runnerenv_NAME: '{runner_nam}',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration \(7 problems\)/);
    expect(message).toMatch(
      /RUNNER_CHECK_INTERVAL: expected a whole number of seconds \(1-86400\), got "soon"/,
    );
    expect(message).toMatch(/MAX_RUNNERS: expected a whole number \(1-1000\), got "0"/);
    expect(message).toMatch(/LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL/);
    expect(message).toMatch(/GITHUB_RUNNER_TOKEN: is required/);
    expect(message).toMatch(/GITHUB_ORGANIZATION: is required when DISCOVERY_MODE=organization/);
    expect(message).toMatch(/RUNNER_COMMAND: .*shell operator ";"/);
    expect(message).toMatch(/runnerenv_NAME: uses the unknown placeholder \{runner_nam\}/);
  });

  it('reads the token from GITHUB_RUNNER_TOKEN_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-config-'));
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    try {
      expect(load({ GITHUB_RUNNER_TOKEN_FILE: file }).GITHUB_RUNNER_TOKEN).toBe(TOKEN);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('splits RUNNER_COMMAND into words', () => {
    const config = load({
      GITHUB_RUNNER_TOKEN: TOKEN,
      RUNNER_COMMAND: `./run.sh --name 'a b'`,
    });
    expect(config.command).toEqual(['./run.sh', '--name', 'a b']);
  });
});

describe('redacted configuration', () => {
  it('shows secrets only as [set] and keeps placeholders readable', () => {
    const config = load({
      GITHUB_RUNNER_TOKEN: TOKEN,
      runnerenv_RUNNER_TOKEN: '{registration_token}',
      runnerenv_API_KEY: 'literal-secret-value',
      RUNNER_COMMAND: '/home/runner/run.sh --name {runner_name}',
    });
    const shown = JSON.stringify(redactedOrchestratorConfig(config));
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain('literal-secret-value');
    expect(shown).toContain('{registration_token}');
    expect(shown).toContain('"GITHUB_RUNNER_TOKEN":"[set]"');
    expect(shown).toContain('/home/runner/run.sh --name {runner_name}');
  });
});

describe('GitHub App authentication settings', () => {
  it('takes an App instead of a token, with the key from a file and the installation optional', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-config-'));
    const file = join(dir, 'app.pem');
    writeFileSync(file, APP_KEY);
    try {
      const config = load({ GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY_FILE: file });
      expect(config.GITHUB_RUNNER_TOKEN).toBeUndefined();
      expect(config.githubApp).toEqual({
        appId: '12345',
        privateKey: APP_KEY.trim(),
        installationId: undefined,
      });
      const shown = JSON.stringify(redactedOrchestratorConfig(config));
      expect(shown).not.toContain('PRIVATE KEY');
      expect(shown).toContain('"GITHUB_APP_PRIVATE_KEY":"[set]"');
      expect(shown).toContain('"githubAuth":"app"');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reads a key written on one line with \\n escapes, and a client id as the App id', () => {
    const config = load({
      GITHUB_APP_ID: 'Iv23liABCDEF',
      GITHUB_APP_PRIVATE_KEY: APP_KEY.trim().replace(/\n/g, '\\n'),
      GITHUB_APP_INSTALLATION_ID: '987',
    });
    expect(config.githubApp).toEqual({
      appId: 'Iv23liABCDEF',
      privateKey: APP_KEY.trim(),
      installationId: 987,
    });
    expect(load({ GITHUB_RUNNER_TOKEN: TOKEN }).githubApp).toBeNull();
  });

  it('wants exactly one of a token and an App', () => {
    expect(problemsOf({})).toMatch(
      /GITHUB_RUNNER_TOKEN: is required: .*or authenticate as a GitHub App with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/,
    );
    expect(
      problemsOf({ GITHUB_RUNNER_TOKEN: TOKEN, GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: APP_KEY }),
    ).toMatch(/GITHUB_RUNNER_TOKEN: set either GITHUB_RUNNER_TOKEN or the GitHub App variables .* not both/);
  });

  it('reports every App problem at once, without quoting the key', () => {
    const message = problemsOf({
      GITHUB_APP_PRIVATE_KEY: 'not-a-key-at-all',
      GITHUB_APP_INSTALLATION_ID: 'x',
    });
    expect(message).toMatch(/GITHUB_APP_ID: is required with GITHUB_APP_PRIVATE_KEY/);
    expect(message).toMatch(/GITHUB_APP_PRIVATE_KEY: is not a PEM private key/);
    expect(message).toMatch(/GITHUB_APP_INSTALLATION_ID: expected a whole number/);
    expect(message).not.toContain('not-a-key-at-all');
    expect(problemsOf({ GITHUB_APP_ID: 'my-app' })).toMatch(
      /GITHUB_APP_ID: expected the App's numeric id[\s\S]*GITHUB_APP_PRIVATE_KEY: is required with GITHUB_APP_ID/,
    );
  });
});

describe('the orchestrator id', () => {
  it('without ORCHESTRATOR_ID, is made once in the state directory and the same at the next start', () => {
    const dir = freshDir();
    const first = load({ GITHUB_RUNNER_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: dir });
    expect(first.ORCHESTRATOR_ID).toMatch(/^gha-[0-9a-f]{8}$/);
    expect(first.orchestratorIdSource).toBe('new-state-file');
    expect(readFileSync(join(dir, 'orchestrator-id'), 'utf8')).toBe(`${first.ORCHESTRATOR_ID}\n`);
    const second = load({ GITHUB_RUNNER_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: dir });
    expect(second.ORCHESTRATOR_ID).toBe(first.ORCHESTRATOR_ID);
    expect(second.orchestratorIdSource).toBe('state-file');
    const shown = JSON.stringify(redactedOrchestratorConfig(second));
    expect(shown).toContain(`"ORCHESTRATOR_ID":"${first.ORCHESTRATOR_ID}"`);
    expect(shown).toContain(`"ORCHESTRATOR_STATE_DIR":${JSON.stringify(dir)}`);
  });

  it('differs from one install (state directory) to the next', () => {
    const ids = new Set(
      Array.from(
        { length: 5 },
        () => load({ GITHUB_RUNNER_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: freshDir() }).ORCHESTRATOR_ID,
      ),
    );
    expect(ids.size).toBe(5);
  });

  it('is kept in $XDG_STATE_HOME/gha-ephemeral, else ~/.local/state/gha-ephemeral, by default', () => {
    const xdg = freshDir();
    const byXdg = loadOrchestratorConfig({
      GITHUB_RUNNER_TOKEN: TOKEN,
      XDG_STATE_HOME: xdg,
      HOME: '/nonexistent',
    });
    expect(byXdg.ORCHESTRATOR_STATE_DIR).toBe(join(xdg, 'gha-ephemeral'));
    expect(readFileSync(join(xdg, 'gha-ephemeral', 'orchestrator-id'), 'utf8').trim()).toBe(
      byXdg.ORCHESTRATOR_ID,
    );
    const home = freshDir();
    const byHome = loadOrchestratorConfig({
      GITHUB_RUNNER_TOKEN: TOKEN,
      HOME: home,
      XDG_STATE_HOME: 'relative',
    });
    expect(byHome.ORCHESTRATOR_STATE_DIR).toBe(join(home, '.local', 'state', 'gha-ephemeral'));
    expect(existsSync(join(home, '.local', 'state', 'gha-ephemeral', 'orchestrator-id'))).toBe(true);
  });

  it('is ORCHESTRATOR_ID as given when set, and then nothing is written', () => {
    const dir = freshDir();
    const config = load({
      GITHUB_RUNNER_TOKEN: TOKEN,
      ORCHESTRATOR_ID: 'ci-host-1',
      ORCHESTRATOR_STATE_DIR: dir,
    });
    expect(config.ORCHESTRATOR_ID).toBe('ci-host-1');
    expect(config.orchestratorIdSource).toBe('environment');
    expect(existsSync(dir)).toBe(false);
  });

  it('stops the start with what to set when the state directory cannot be written', () => {
    const blocker = join(freshDir(), 'a-file');
    mkdirSync(join(blocker, '..'), { recursive: true });
    writeFileSync(blocker, 'not a directory');
    const message = problemsOf({
      GITHUB_RUNNER_TOKEN: TOKEN,
      ORCHESTRATOR_STATE_DIR: join(blocker, 'state'),
    });
    expect(message).toMatch(/^Invalid configuration/);
    expect(message).toMatch(
      /ORCHESTRATOR_STATE_DIR: cannot keep this orchestrator's id in .*a-file\/state\/orchestrator-id \(ENOTDIR\): make ORCHESTRATOR_STATE_DIR a directory this user can write .* or set ORCHESTRATOR_ID/,
    );
  });

  it('never replaces a damaged id file by itself', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'orchestrator-id'), 'not an id!\n');
    expect(problemsOf({ GITHUB_RUNNER_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: dir })).toMatch(
      /ORCHESTRATOR_STATE_DIR: .*orchestrator-id does not hold an orchestrator id .*set ORCHESTRATOR_ID, or remove the file/,
    );
    expect(readFileSync(join(dir, 'orchestrator-id'), 'utf8')).toBe('not an id!\n');
  });

  it('wants an id fit for labels and runner names, and an absolute state directory, reported with the rest', () => {
    const message = problemsOf({
      ORCHESTRATOR_ID: 'two words',
      ORCHESTRATOR_STATE_DIR: 'relative/dir',
      MAX_RUNNERS: '0',
    });
    expect(message).toMatch(
      /ORCHESTRATOR_ID: expected 1-63 letters, digits, '\.', '_' or '-'.*got "two words"/,
    );
    expect(message).toMatch(/ORCHESTRATOR_STATE_DIR: expected an absolute path, got "relative\/dir"/);
    expect(message).toMatch(/MAX_RUNNERS: expected a whole number/);
    expect(problemsOf({ ORCHESTRATOR_ID: 'x'.repeat(64) })).toMatch(/ORCHESTRATOR_ID: expected 1-63/);
    expect(existsSync(join(process.cwd(), 'relative'))).toBe(false);
    // Without ORCHESTRATOR_ID: the one problem, and no id made anywhere else instead.
    const home = freshDir();
    expect(
      problemsOf({ GITHUB_RUNNER_TOKEN: TOKEN, ORCHESTRATOR_STATE_DIR: 'relative/dir', HOME: home }),
    ).toMatch(
      /^Invalid configuration \(1 problem\):\n {2}- ORCHESTRATOR_STATE_DIR: expected an absolute path/,
    );
    expect(existsSync(home)).toBe(false);
    expect(existsSync(join(process.cwd(), 'relative'))).toBe(false);
  });
  it('refuses a scale-set pool unless AUTO_CREATE_RUNNERS is true, naming the pool', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'pools.yaml');
    writeFileSync(
      file,
      'pools:\n  - name: small\n  - name: linux-set\n    scaleSet: true\n    scope: { repository: octo/app }\n',
    );
    const env = { GITHUB_RUNNER_TOKEN: TOKEN, RUNNER_POOLS_FILE: file };
    expect(problemsOf(env)).toMatch(
      /^Invalid configuration \(1 problem\):\n {2}- AUTO_CREATE_RUNNERS: must be true: pool "linux-set" is a scale set/,
    );
    expect(problemsOf({ ...env, AUTO_CREATE_RUNNERS: 'false' })).toMatch(
      /AUTO_CREATE_RUNNERS: must be true: pool "linux-set"/,
    );
    const config = load({ ...env, AUTO_CREATE_RUNNERS: 'true' });
    expect(config.pools.map((pool) => pool.scaleSet)).toEqual([
      null,
      { name: 'linux-set', runnerGroup: 'default' },
    ]);
  });
});
