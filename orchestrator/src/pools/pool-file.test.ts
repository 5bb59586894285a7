import { join } from 'node:path';
import { findRepoRoot } from '@gha-ephemeral/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { matchPool } from './pool.js';
import {
  defaultPool,
  PoolFileError,
  poolsFromDocument,
  readPoolFile,
  type PoolDefaults,
} from './pool-file.js';

const defaults: PoolDefaults = {
  image: 'myoung34/github-runner:latest',
  command: null,
  entrypoint: null,
  runnerenv: {},
  limits: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9, pidsLimit: 4096 },
  network: 'gha-ephemeral-runners',
  maxRunners: 10,
  runtime: 'docker',
};

const load = (yaml: string) => poolsFromDocument(parse(yaml), 'pools.yaml', defaults);

function problems(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof PoolFileError) return [...error.problems];
    throw error;
  }
  throw new Error('the file was accepted');
}

const FILE = `
pools:
  - name: small
  - name: big
    labels: [big, X64]
    image: builder:1
    resources: { memory: 16g, cpus: 8, pids: 0 }
    max: 2
  - name: acme-docker
    labels: [docker]
    scope: { organization: acme }
    minIdle: 1
    docker: dind
  - name: web
    labels: [web]
    scope: { repository: acme/web }
`;

describe('the pool file', () => {
  it('fills what a pool leaves out from the variables', () => {
    const [small, big, docker] = load(FILE);
    expect(small).toMatchObject({ image: defaults.image, max: 10, minIdle: 0, docker: 'none', scope: null });
    expect(small?.limits).toEqual(defaults.limits);
    expect(big).toMatchObject({
      image: 'builder:1',
      max: 2,
      limits: { memoryBytes: 16 * 1024 ** 3, nanoCpus: 8e9, pidsLimit: 0 },
    });
    expect(docker).toMatchObject({
      docker: 'dind',
      minIdle: 1,
      scope: { kind: 'organization', org: 'acme' },
    });
    expect(small?.template.source).toBe('built-in (just-in-time)');
  });

  it('lists every problem at once, each saying where and what to change', () => {
    const found = problems(`
pools:
  - name: warm
    minIdle: 2
  - name: warm
    max: 1
    minIdle: 2
    scope: { repository: acme/web }
  - name: bad
    resources: { memory: lots }
    env: { X: "{nope}" }
    command: "run; rm -rf /"
`);
    expect(found).toEqual([
      expect.stringMatching(/^pools\[0\] \(warm\)\.minIdle: warm runners must be registered somewhere/),
      'pools[1]: the name "warm" is used twice',
      'pools[1] (warm).minIdle (2) is more than its max (1)',
      expect.stringMatching(/^pools\[2\] \(bad\)\.command contains the shell operator ";"/),
      expect.stringMatching(/^pools\[2\] \(bad\)\.env: X uses the unknown placeholder \{nope\}/),
      expect.stringMatching(/^pools\[2\] \(bad\)\.resources\.memory: expected a size/),
    ]);
  });

  it('refuses unknown keys, bad names and bad labels, naming the path', () => {
    expect(problems('pools:\n  - name: "has space"\n    lables: [x]\n    labels: ["a;b"]\n')).toEqual([
      expect.stringMatching(/^pools\[0\]\.name: must be 1-64 letters/),
      expect.stringMatching(/^pools\[0\]\.labels\[0\]:/),
      expect.stringMatching(/^pools\[0\]: Unrecognized key: "lables"/),
    ]);
    expect(problems('runners: []')[0]).toMatch(/pools/);
  });

  it('reads the shipped example', () => {
    const example = readPoolFile(join(findRepoRoot(), 'deploy/pools.example.yaml'), defaults);
    expect(example.map((pool) => pool.name)).toEqual(['small', 'big', 'docker']);
  });

  it('makes the default pool from the variables', () => {
    expect(defaultPool(defaults, ['gpu'])).toMatchObject({ name: 'default', labels: ['gpu'], max: 10 });
  });
});

describe('matching a job to a pool (first fit, in file order)', () => {
  const pools = load(FILE);
  it.each([
    [['self-hosted'], 'octo/app', 'small'],
    [['self-hosted', 'linux', 'x64'], 'octo/app', 'small'],
    [['self-hosted', 'BIG'], 'octo/app', 'big'],
    [['self-hosted', 'docker'], 'acme/api', 'acme-docker'],
    [['self-hosted', 'docker'], 'octo/app', null],
    [['self-hosted', 'web'], 'ACME/Web', 'web'],
    [['self-hosted', 'web'], 'acme/api', null],
    [['self-hosted', 'gpu'], 'octo/app', null],
    [['windows'], 'octo/app', null],
  ])('%j in %s → %s', (labels, repository, expected) => {
    expect(matchPool(pools, { labels, repository })?.name ?? null).toBe(expected);
  });
});

describe('scale-set pools', () => {
  it('reads scaleSet: true, and {name, runnerGroup}, into pool.scaleSet', () => {
    const [plain, named, ordinary] = load(`
pools:
  - name: linux
    scaleSet: true
    scope: { repository: acme/web }
  - name: gpu
    labels: [gpu]
    scaleSet: { name: gpu-set, runnerGroup: gpu-group }
    scope: { organization: acme }
    env: { ACTIONS_RUNNER_INPUT_JITCONFIG: "{jit_config}" }
  - name: other
`);
    expect(plain?.scaleSet).toEqual({ name: 'linux', runnerGroup: 'default' });
    expect(named?.scaleSet).toEqual({ name: 'gpu-set', runnerGroup: 'gpu-group' });
    expect(ordinary?.scaleSet).toBeNull();
    expect(load('pools:\n  - name: x\n    scaleSet: false\n')[0]?.scaleSet).toBeNull();
  });

  it('refuses a scale set without a scope', () => {
    expect(problems('pools:\n  - name: linux\n    scaleSet: true\n')).toEqual([
      expect.stringMatching(
        /^pools\[0\] \(linux\)\.scaleSet: a scale set is registered in one repository or organization: give the pool a scope/,
      ),
    ]);
  });

  it.each([
    ['a registration token template', { RUNNER_TOKEN: '{registration_token}', RUNNER_NAME: '{runner_name}' }],
    ['a template with no just-in-time configuration', { RUNNER_NAME: '{runner_name}' }],
  ])('refuses %s: its runners are configured just in time', (_name, env) => {
    const found = problems(
      `pools:\n  - name: linux\n    scaleSet: true\n    scope: { repository: acme/web }\n    env: ${JSON.stringify(env)}\n`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^pools\[0\] \(linux\)\.scaleSet: a scale set's runners are configured just in time: .*no \{registration_token\}/,
      ),
    ]);
  });

  it('refuses the same scale set name twice in one scope, whatever the case, but not in two scopes', () => {
    const found = problems(`
pools:
  - name: linux
    scaleSet: true
    scope: { repository: acme/web }
  - name: linux-2
    scaleSet: { name: LINUX }
    scope: { repository: acme/web }
  - name: linux-3
    scaleSet: { name: linux }
    scope: { repository: acme/api }
`);
    expect(found).toEqual(['pools[1].scaleSet: the scale set "LINUX" is used twice in one scope']);
  });

  it('matches a job that names the scale set to its pool, in its scope only', () => {
    const pools = load(`
pools:
  - name: linux
    labels: [linux]
    scaleSet: { name: linux-set }
    scope: { repository: acme/web }
`);
    expect(matchPool(pools, { labels: ['linux-set'], repository: 'acme/web' })?.name).toBe('linux');
    expect(matchPool(pools, { labels: ['linux-set', 'linux'], repository: 'acme/web' })?.name).toBe('linux');
    expect(matchPool(pools, { labels: ['linux-set'], repository: 'acme/api' })).toBeNull();
    // A scale set's runners have only its labels: not GitHub's defaults.
    expect(matchPool(pools, { labels: ['self-hosted', 'linux-set'], repository: 'acme/web' })).toBeNull();
  });
});

describe('Swarm pools', () => {
  it('reads runtime and placement, and gives a Swarm pool an overlay network of its own by default', () => {
    const [big, small] = load(`
pools:
  - name: big
    runtime: swarm
    placement: { constraints: ['node.labels.gha-pool==big'], preferences: ['spread=node.labels.zone'] }
  - name: small
`);
    expect(big).toMatchObject({
      runtime: 'swarm',
      network: 'gha-ephemeral-runners-swarm',
      placement: { constraints: ['node.labels.gha-pool==big'], preferences: ['spread=node.labels.zone'] },
    });
    expect(small).toMatchObject({ runtime: 'docker', network: 'gha-ephemeral-runners', placement: null });
  });

  it('refuses placement off a Swarm, dind or a host network on one, and a network both share', () => {
    expect(
      problems(`
pools:
  - name: a
    placement: { constraints: ['node.role==worker'] }
  - name: b
    runtime: swarm
    docker: dind
  - name: c
    runtime: swarm
    network: 'container:x'
  - name: d
    runtime: swarm
    network: shared
  - name: e
    network: shared
`),
    ).toEqual([
      'pools[0] (a).placement: only a Swarm places runners on nodes: set runtime: swarm, or drop placement',
      'pools[1] (b).docker: dind needs privileges a Swarm service cannot have: use runtime: docker for it',
      'pools[2] (c).network: a Swarm runner joins an overlay network (or its node\'s, host), not "container:x"',
      'pools (d, e): network "shared" cannot serve both the Docker engine and the Swarm: give one of them another network',
    ]);
  });
});
