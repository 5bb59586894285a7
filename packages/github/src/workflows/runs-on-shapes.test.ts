import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, usesSelfHostedRunners } from './analyze-workflow.js';
import type { JobRunsOnKind, SelfHostedVerdict } from './types.js';

function job(runsOn: string, extra = ''): string {
  return `on: push\njobs:\n  build:\n    runs-on: ${runsOn}\n${extra}    steps:\n      - run: echo hi\n`;
}

interface Case {
  name: string;
  yaml: string;
  kind: JobRunsOnKind;
  verdict: SelfHostedVerdict;
  /** Label sets (lower-cased, sorted) with their group. */
  targets?: [string | null, string[]][];
  expression?: string;
}

const cases: Case[] = [
  {
    name: 'a GitHub-hosted label',
    yaml: job('ubuntu-latest'),
    kind: 'static',
    verdict: 'no',
    targets: [[null, ['ubuntu-latest']]],
  },
  {
    name: 'self-hosted alone',
    yaml: job('self-hosted'),
    kind: 'static',
    verdict: 'yes',
    targets: [[null, ['self-hosted']]],
  },
  {
    name: 'a flow list',
    yaml: job('[self-hosted, linux, x64]'),
    kind: 'static',
    verdict: 'yes',
    targets: [[null, ['linux', 'self-hosted', 'x64']]],
  },
  {
    name: 'a block list',
    yaml: job('\n      - self-hosted\n      - linux'),
    kind: 'static',
    verdict: 'yes',
    targets: [[null, ['linux', 'self-hosted']]],
  },
  {
    name: 'mixed case',
    yaml: job('[Self-Hosted, Linux, GPU]'),
    kind: 'static',
    verdict: 'yes',
    targets: [[null, ['gpu', 'linux', 'self-hosted']]],
  },
  { name: 'upper case', yaml: job('SELF-HOSTED'), kind: 'static', verdict: 'yes' },
  { name: 'quoted labels', yaml: job('["self-hosted", \'linux\']'), kind: 'static', verdict: 'yes' },
  {
    name: 'a custom label without self-hosted',
    yaml: job('gpu'),
    kind: 'static',
    verdict: 'maybe',
    targets: [[null, ['gpu']]],
  },
  {
    name: 'a hosted image beside a custom label',
    yaml: job('[ubuntu-latest, gpu]'),
    kind: 'static',
    verdict: 'maybe',
  },
  { name: 'windows and macOS images', yaml: job('windows-2022'), kind: 'static', verdict: 'no' },
  { name: 'a macOS large image', yaml: job('macos-14-xlarge'), kind: 'static', verdict: 'no' },
  { name: 'an arm image', yaml: job('ubuntu-24.04-arm'), kind: 'static', verdict: 'no' },
  {
    name: 'a group only',
    yaml: job('\n      group: ubuntu-runners'),
    kind: 'static',
    verdict: 'maybe',
    targets: [['ubuntu-runners', []]],
  },
  {
    name: 'a group with labels',
    yaml: job('\n      group: org-runners\n      labels: [self-hosted, gpu]'),
    kind: 'static',
    verdict: 'yes',
    targets: [['org-runners', ['gpu', 'self-hosted']]],
  },
  {
    name: 'a group with one label as a string',
    yaml: job('{group: big, labels: linux}'),
    kind: 'static',
    verdict: 'maybe',
    targets: [['big', ['linux']]],
  },
  { name: 'labels without a group', yaml: job('{labels: [self-hosted]}'), kind: 'static', verdict: 'yes' },
  {
    name: 'a number label',
    yaml: job('2022'),
    kind: 'static',
    verdict: 'maybe',
    targets: [[null, ['2022']]],
  },
  {
    name: 'a matrix of hosted images',
    yaml: job(
      '${{ matrix.os }}',
      '    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n',
    ),
    kind: 'matrix',
    verdict: 'no',
    targets: [
      [null, ['ubuntu-latest']],
      [null, ['windows-latest']],
    ],
  },
  {
    name: 'a matrix with one self-hosted entry',
    yaml: job('${{matrix.os}}', '    strategy:\n      matrix:\n        os: [ubuntu-latest, self-hosted]\n'),
    kind: 'matrix',
    verdict: 'yes',
  },
  {
    name: 'a matrix whose values are label lists',
    yaml: job(
      '${{ matrix.runner }}',
      '    strategy:\n      matrix:\n        runner: [[self-hosted, linux, x64], [self-hosted, linux, arm64]]\n',
    ),
    kind: 'matrix',
    verdict: 'yes',
    targets: [
      [null, ['linux', 'self-hosted', 'x64']],
      [null, ['arm64', 'linux', 'self-hosted']],
    ],
  },
  {
    name: 'a matrix reference inside a list',
    yaml: job(
      '[self-hosted, "${{ matrix.arch }}"]',
      '    strategy:\n      matrix:\n        arch: [x64, ARM64]\n',
    ),
    kind: 'matrix',
    verdict: 'yes',
    targets: [
      [null, ['self-hosted', 'x64']],
      [null, ['arm64', 'self-hosted']],
    ],
  },
  {
    name: 'a matrix value inside text',
    yaml: job(
      'ubuntu-${{ matrix.version }}',
      '    strategy:\n      matrix:\n        version: ["22.04", "24.04"]\n',
    ),
    kind: 'matrix',
    verdict: 'no',
    targets: [
      [null, ['ubuntu-22.04']],
      [null, ['ubuntu-24.04']],
    ],
  },
  {
    name: 'a runner that only include adds',
    yaml: job(
      '${{ matrix.runner }}',
      '    strategy:\n      matrix:\n        os: [linux]\n        include:\n          - os: linux\n            runner: [self-hosted, linux]\n',
    ),
    kind: 'matrix',
    verdict: 'yes',
    targets: [[null, ['linux', 'self-hosted']]],
  },
  {
    name: 'a matrix made only of include entries',
    yaml: job(
      '${{ matrix.config.runner }}',
      '    strategy:\n      matrix:\n        include:\n          - config: {runner: ubuntu-latest}\n          - config: {runner: gpu-box}\n',
    ),
    kind: 'matrix',
    verdict: 'maybe',
    targets: [
      [null, ['ubuntu-latest']],
      [null, ['gpu-box']],
    ],
  },
  {
    name: 'an excluded self-hosted combination',
    yaml: job(
      '${{ matrix.os }}',
      '    strategy:\n      matrix:\n        os: [ubuntu-latest, self-hosted]\n        exclude:\n          - os: self-hosted\n',
    ),
    kind: 'matrix',
    verdict: 'no',
    targets: [[null, ['ubuntu-latest']]],
  },
  {
    name: 'objects as matrix values (group and labels)',
    yaml: job(
      '${{ matrix.target }}',
      '    strategy:\n      matrix:\n        target:\n          - {group: gpu, labels: [self-hosted]}\n',
    ),
    kind: 'matrix',
    verdict: 'yes',
    targets: [['gpu', ['self-hosted']]],
  },
  {
    name: 'a matrix key in another case',
    yaml: job('${{ matrix.OS }}', '    strategy:\n      matrix:\n        os: [self-hosted]\n'),
    kind: 'matrix',
    verdict: 'yes',
  },
  {
    name: 'a matrix from fromJSON',
    yaml: job(
      '${{ matrix.os }}',
      '    strategy:\n      matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}\n',
    ),
    kind: 'dynamic',
    verdict: 'maybe',
    expression: '${{ matrix.os }}',
  },
  {
    name: 'a matrix list from an expression',
    yaml: job('${{ matrix.os }}', '    strategy:\n      matrix:\n        os: ${{ fromJSON(inputs.oses) }}\n'),
    kind: 'dynamic',
    verdict: 'maybe',
  },
  {
    name: 'a matrix reference without a matrix',
    yaml: job('${{ matrix.os }}'),
    kind: 'dynamic',
    verdict: 'maybe',
    expression: '${{ matrix.os }}',
  },
  {
    name: 'a matrix value that is itself an expression',
    yaml: job(
      '${{ matrix.os }}',
      '    strategy:\n      matrix:\n        os: [ubuntu-latest, "${{ inputs.os }}"]\n',
    ),
    kind: 'dynamic',
    verdict: 'maybe',
    expression: '${{ inputs.os }}',
  },
  {
    name: 'an input',
    yaml: job('${{ inputs.runner }}'),
    kind: 'dynamic',
    verdict: 'maybe',
    expression: '${{ inputs.runner }}',
  },
  {
    name: 'a conditional expression',
    yaml: job(`\${{ github.event_name == 'push' && 'self-hosted' || 'ubuntu-latest' }}`),
    kind: 'dynamic',
    verdict: 'maybe',
  },
  {
    name: 'self-hosted beside an expression',
    yaml: job('[self-hosted, "${{ inputs.arch }}"]'),
    kind: 'dynamic',
    verdict: 'yes',
    targets: [[null, ['self-hosted']]],
  },
  {
    name: 'a group from an expression',
    yaml: job('{group: "${{ vars.GROUP }}"}'),
    kind: 'dynamic',
    verdict: 'maybe',
  },
  {
    name: 'a whole runs-on from fromJSON',
    yaml: job('${{ fromJSON(vars.RUNNER) }}'),
    kind: 'dynamic',
    verdict: 'maybe',
  },
  { name: 'an empty list', yaml: job('[]'), kind: 'invalid', verdict: 'no' },
  { name: 'an empty string', yaml: job('""'), kind: 'invalid', verdict: 'no' },
  { name: 'a list holding a mapping', yaml: job('[self-hosted, {a: b}]'), kind: 'invalid', verdict: 'no' },
];

describe('analyzeWorkflow: runs-on shapes', () => {
  it.each(cases)('$name', (c) => {
    const analysis = analyzeWorkflow(c.yaml);
    expect(analysis.valid).toBe(true);
    const [first] = analysis.jobs;
    expect(first?.kind).toBe(c.kind);
    expect(first?.selfHosted).toBe(c.verdict);
    expect(first?.reason).toEqual(expect.any(String));
    if (c.targets) {
      const targets = first?.targets.map((t) => [t.group, t.labels.map((l) => l.toLowerCase()).sort()]);
      expect(targets).toEqual(c.targets);
    }
    if (c.expression) expect(first?.expression).toBe(c.expression);
    expect(usesSelfHostedRunners(analysis)).toBe(c.verdict !== 'no');
  });
});
