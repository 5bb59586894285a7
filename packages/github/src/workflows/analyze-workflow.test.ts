import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, selfHostedVerdict, usesSelfHostedRunners } from './analyze-workflow.js';

describe('analyzeWorkflow: whole files', () => {
  it('reads a real-world file with several jobs, anchors and a reusable call', () => {
    const analysis = analyzeWorkflow(
      [
        'name: CI',
        'on:',
        '  push:',
        '    branches: [main]',
        '  pull_request:',
        'defaults: &defaults',
        '  runs-on: &linux [self-hosted, linux]',
        'jobs:',
        '  lint:',
        '    runs-on: ubuntu-latest',
        '    steps: [{uses: actions/checkout@v4}]',
        '  build:',
        '    <<: *defaults',
        '    steps: [{run: make}]',
        '  test:',
        '    needs: build',
        '    runs-on: *linux',
        '    steps: [{run: make test}]',
        '  deploy:',
        '    uses: ./.github/workflows/deploy.yml',
        '    secrets: inherit',
        '  shared:',
        '    uses: octo-org/shared/.github/workflows/ci.yml@v1',
        '',
      ].join('\n'),
    );
    expect(analysis.valid).toBe(true);
    if (!analysis.valid) return;
    expect(analysis.name).toBe('CI');
    expect(analysis.jobs.map((j) => [j.id, j.kind, j.selfHosted])).toEqual([
      ['lint', 'static', 'no'],
      ['build', 'static', 'yes'],
      ['test', 'static', 'yes'],
      ['deploy', 'reusable', 'maybe'],
      ['shared', 'reusable', 'maybe'],
    ]);
    expect(analysis.jobs[3]?.uses).toBe('./.github/workflows/deploy.yml');
    expect(selfHostedVerdict(analysis)).toBe('yes');
  });

  it('says no for a workflow of GitHub-hosted jobs only', () => {
    const analysis = analyzeWorkflow(
      'on: [push]\njobs:\n  a:\n    runs-on: ubuntu-22.04\n  b:\n    runs-on: macos-latest\n  c:\n    runs-on: [windows-latest]\n',
    );
    expect(selfHostedVerdict(analysis)).toBe('no');
    expect(usesSelfHostedRunners(analysis)).toBe(false);
  });

  it('says maybe when the only doubt is a reusable workflow', () => {
    const analysis = analyzeWorkflow('on: push\njobs:\n  call:\n    uses: ./.github/workflows/x.yml\n');
    expect(selfHostedVerdict(analysis)).toBe('maybe');
    expect(usesSelfHostedRunners(analysis)).toBe(true);
  });

  it('keeps "on" a key (YAML 1.2), tolerates a BOM and CRLF line ends', () => {
    const analysis = analyzeWorkflow('\uFEFFon:\r\n  push:\r\njobs:\r\n  a:\r\n    runs-on: self-hosted\r\n');
    expect(analysis.valid).toBe(true);
    expect(selfHostedVerdict(analysis)).toBe('yes');
  });

  it('marks a job without runs-on invalid and a job that is not a mapping invalid', () => {
    const analysis = analyzeWorkflow('on: push\njobs:\n  a:\n    steps: []\n  b: just text\n');
    expect(analysis.jobs.map((j) => [j.kind, j.selfHosted])).toEqual([
      ['invalid', 'no'],
      ['invalid', 'no'],
    ]);
  });

  const broken: [string, string, RegExp][] = [
    ['invalid YAML', 'on: push\njobs:\n  a:\n    runs-on: [self-hosted\n', /invalid YAML/],
    ['a tab-indented file', 'jobs:\n\ta:\n\t\truns-on: x\n', /invalid YAML/],
    ['a duplicate key', 'on: push\njobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: y\n', /invalid YAML/],
    ['an empty file', '', /not a YAML mapping/],
    ['a list at the top', '- a\n- b\n', /not a YAML mapping/],
    ['a scalar at the top', 'hello', /not a YAML mapping/],
    ['no jobs', 'on: push\nname: x\n', /no jobs mapping/],
    ['jobs as a list', 'on: push\njobs: [a, b]\n', /no jobs mapping/],
    [
      'an alias bomb',
      `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [${'*a,'.repeat(9)}*a]\nc: &c [${'*b,'.repeat(9)}*b]\nd: [${'*c,'.repeat(9)}*c]\njobs: {}\n`,
      /invalid YAML/,
    ],
  ];
  it.each(broken)('returns a clear result, never a throw, for %s', (_name, text, error) => {
    const analysis = analyzeWorkflow(text);
    expect(analysis.valid).toBe(false);
    if (analysis.valid) return;
    expect(analysis.error).toMatch(error);
    expect(analysis.jobs).toEqual([]);
    expect(usesSelfHostedRunners(analysis)).toBe(false);
  });
});
