import type { OrchestratorConfig } from './config.js';
import { limitsOff } from './fleet/limits.js';
import { networkWarning } from './fleet/runner-network.js';

/** Names that hold credentials in the runner images' own variables (`ACCESS_TOKEN`, `APP_PRIVATE_KEY`, ...). */
const CREDENTIAL_NAME = /TOKEN|SECRET|PASSWORD|PRIVATE_KEY|API_KEY|^APP_ID$|AUTH/i;

/** The `runnerenv_` variables whose name says credential and whose value is written out, not a placeholder. */
function literalCredentials(runnerenv: Readonly<Record<string, string>>): string[] {
  return Object.entries(runnerenv)
    .filter(([name, value]) => CREDENTIAL_NAME.test(name) && value.replace(/\{[a-z_]+\}/g, '').trim() !== '')
    .map(([name]) => name);
}

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
  const literal = literalCredentials(config.runnerenv);
  if (literal.length > 0) {
    warnings.push(
      `${literal.map((name) => `runnerenv_${name}`).join(', ')} put a fixed credential into every runner: every job can read it, for as long as it is valid; prefer the built-in just-in-time template`,
    );
  }
  const docker = config.pools.filter((pool) => pool.docker === 'dind').map((pool) => pool.name);
  if (docker.length > 0) {
    const how =
      config.DIND_MODE === 'privileged'
        ? 'a privileged container'
        : "a container with SYS_ADMIN and NET_ADMIN, no seccomp or AppArmor profile and the host's cgroups";
    warnings.push(
      `pools ${docker.join(', ')} (docker: dind) run a Docker engine beside each runner in ${how}: a job that controls it can likely reach the host; give these pools only repositories you trust`,
    );
  }
  if (config.ALLOW_PUBLIC_REPOSITORIES) {
    warnings.push(
      'ALLOW_PUBLIC_REPOSITORIES=true: a pull request from any fork of a public repository can run code on this host',
    );
  }
  return warnings;
}
