import { describe, expect, it } from 'vitest';
import { envCpus, envMemory, envPidsLimit, limitsOff, parseMemory } from './limits.js';

describe('runner limits', () => {
  it('reads sizes as docker run --memory does', () => {
    expect(parseMemory('512m')).toBe(512 * 1024 ** 2);
    expect(parseMemory('4g')).toBe(4 * 1024 ** 3);
    expect(parseMemory('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseMemory('0')).toBe(0);
    expect(parseMemory('10m')).toBeNull(); // below 64m: no CI job runs in it
    expect(parseMemory('lots')).toBeNull();
    expect(parseMemory('0.5')).toBeNull(); // half a byte is not "no limit"
  });

  it('has defaults for a CI job: 4 GiB, 2 CPUs, 4096 processes', () => {
    expect(envMemory.parse(undefined)).toBe(4 * 1024 ** 3);
    expect(envCpus.parse(undefined)).toBe(2e9);
    expect(envPidsLimit.parse(undefined)).toBe(4096);
  });

  it('refuses values that say nothing sensible, with what is expected', () => {
    expect(envCpus.safeParse('two').error?.issues[0]?.message).toMatch(/number of CPUs/);
    expect(envCpus.parse('0.5')).toBe(5e8);
    expect(envPidsLimit.safeParse('8').error?.issues[0]?.message).toMatch(/from 32/);
    expect(envMemory.safeParse('1k').error?.issues[0]?.message).toMatch(/at least 64m/);
  });

  it('names the limits turned off', () => {
    expect(limitsOff({ memoryBytes: 0, nanoCpus: 2e9, pidsLimit: 0 })).toEqual([
      'RUNNER_MEMORY',
      'RUNNER_PIDS_LIMIT',
    ]);
  });
});
