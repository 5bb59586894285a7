import { envField } from '@gha-ephemeral/config';

/**
 * The resources of one runner container. Defaults suit one CI job on a shared host, like GitHub's own standard
 * Linux runner (2 CPUs, 7 GB): 2 CPUs, 4 GiB of memory (swap off, so a hog is killed instead of thrashing the
 * host) and 4,096 processes (a parallel build uses a few hundred; a fork bomb hits the wall in a second).
 */
export interface RunnerLimits {
  /** `RUNNER_MEMORY` in bytes; 0 means no limit. */
  memoryBytes: number;
  /** `RUNNER_CPUS` in billionths of a CPU (Docker's NanoCpus); 0 means no limit. */
  nanoCpus: number;
  /** `RUNNER_PIDS_LIMIT`; 0 means no limit. */
  pidsLimit: number;
}

const UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([bkmgt])?i?b?$/i;
const MIN_MEMORY = 64 * 1024 ** 2;

/** A size as `docker run --memory` takes it (`512m`, `4g`, `4GiB`), in bytes; `0` means no limit. */
export function parseMemory(raw: string): number | null {
  const match = SIZE_PATTERN.exec(raw.trim());
  if (match === null) return null;
  const bytes = Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
  // Only a written 0 turns the limit off: "0.5" (bytes) must not round down to "no limit".
  if (Number(match[1]) === 0) return 0;
  return bytes >= MIN_MEMORY ? bytes : null;
}

/** `RUNNER_MEMORY`: default 4g. */
export const envMemory = envField((raw) => {
  if (raw === undefined || raw.trim() === '') return { value: 4 * 1024 ** 3 };
  const bytes = parseMemory(raw);
  return bytes === null ? { expected: MEMORY_EXPECTED } : { value: bytes };
});

/** CPUs as `docker run --cpus` takes them (`0.5`, `2`), in billionths; `0` means no limit. */
export function parseCpus(raw: string): number | null {
  const text = raw.trim();
  const cpus = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || cpus > 1024 || (cpus > 0 && cpus < 0.01)) return null;
  return Math.round(cpus * 1e9);
}

/** A process limit as `docker run --pids-limit` takes it, from 32; `0` means no limit. */
export function parsePids(raw: string): number | null {
  const text = raw.trim();
  const pids = Number(text);
  if (!/^\d+$/.test(text) || (pids > 0 && pids < 32) || pids > 4_194_304) return null;
  return pids;
}

export const MEMORY_EXPECTED = 'expected a size such as 512m or 4g (at least 64m), or 0 for no limit';
export const CPUS_EXPECTED = 'expected a number of CPUs such as 0.5 or 2, or 0 for no limit';
export const PIDS_EXPECTED = 'expected a whole number of processes from 32 (such as 4096), or 0 for no limit';

/** `RUNNER_CPUS`: default 2; decimals allowed, as `docker run --cpus` takes them. */
export const envCpus = envField((raw) => {
  if (raw === undefined || raw.trim() === '') return { value: 2e9 };
  const cpus = parseCpus(raw);
  return cpus === null ? { expected: CPUS_EXPECTED } : { value: cpus };
});

/** `RUNNER_PIDS_LIMIT`: default 4096. */
export const envPidsLimit = envField((raw) => {
  if (raw === undefined || raw.trim() === '') return { value: 4096 };
  const pids = parsePids(raw);
  return pids === null ? { expected: PIDS_EXPECTED } : { value: pids };
});

/** The limits turned off (0), each named by its variable, for the start-up warning. */
export function limitsOff(limits: RunnerLimits): string[] {
  return [
    limits.memoryBytes === 0 ? 'RUNNER_MEMORY' : null,
    limits.nanoCpus === 0 ? 'RUNNER_CPUS' : null,
    limits.pidsLimit === 0 ? 'RUNNER_PIDS_LIMIT' : null,
  ].filter((name): name is string => name !== null);
}
