import type { OrchestratorConfig } from './config.js';
import { limitsOff } from './runners/limits.js';
import { networkWarning } from './runners/runner-network.js';

/** The settings that give a job more than its own container, each said once at start with what it gives away. */
export function startupWarnings(config: OrchestratorConfig): string[] {
  const warnings: string[] = [];
  const network = networkWarning(config.RUNNER_NETWORK);
  if (network !== null) warnings.push(network);
  const off = limitsOff({
    memoryBytes: config.RUNNER_MEMORY,
    nanoCpus: config.RUNNER_CPUS,
    pidsLimit: config.RUNNER_PIDS_LIMIT,
  });
  if (off.length > 0) {
    warnings.push(
      `${off.join(', ')}=0: runners have no such limit, so one job can exhaust the host and take down every other runner and the services`,
    );
  }
  if (config.template.uses.has('registration_token')) {
    warnings.push(
      'the runner template uses {registration_token}: every job can read it (from the environment of the processes in its container) and, while it is valid (up to an hour), register runners of its own in that repository or organization that take later jobs and their secrets; use the built-in just-in-time template (unset every runnerenv_ variable) or {jit_config}',
    );
  }
  if (config.ALLOW_PUBLIC_REPOSITORIES) {
    warnings.push(
      'ALLOW_PUBLIC_REPOSITORIES=true: a pull request from any fork of a public repository can run code on this host',
    );
  }
  return warnings;
}
