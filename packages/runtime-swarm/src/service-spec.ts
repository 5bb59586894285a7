import { AppError } from '@gha-ephemeral/contract';
import type { ContainerLimits, RunnerContainerSpec, RunnerPlacement } from '@gha-ephemeral/runtime-docker';
import { wrapWithEnvFile } from './env-secret.js';

/** How {@link toServiceSpec} builds a service, besides the runner's own spec. */
export interface ServiceSpecOptions {
  /** Run the engine's init as PID 1 (`--init`). */
  init: boolean;
  /** Placement added to every runner's own (constraints of both apply). */
  placement: RunnerPlacement;
  /** Reserve what the limits allow, so the scheduler only places a runner where it fits. */
  reserveLimits: boolean;
  /** The env secret, when the runner has an env: its id, name, and the argv the wrapper execs. */
  envSecret?: { id: string; name: string; argv: readonly string[] } | undefined;
}

/** A service spec as `POST /services/create` takes it (only the fields this package sets). */
export type ServiceSpec = Record<string, unknown>;

/**
 * The `POST /services/create` body of a runner: a replicated job of one task that is never restarted, labelled
 * like a container (the service and its container both carry the labels), with limits (and, by default, equal
 * reservations), placement, networks, and its env in a secret: the env itself is never in the spec.
 */
export function toServiceSpec(spec: RunnerContainerSpec, options: ServiceSpecOptions): ServiceSpec {
  const containerSpec: Record<string, unknown> = {
    Image: spec.image,
    Labels: { ...spec.labels },
    Init: options.init,
    // A runner gets no raw sockets: no forged ARP or IP packets against its neighbours (as on Docker).
    CapabilityDrop: ['NET_RAW'],
  };
  const secret = options.envSecret;
  if (secret !== undefined) {
    const wrapped = wrapWithEnvFile(secret.name, secret.argv);
    containerSpec.Command = wrapped.command;
    containerSpec.Args = wrapped.args;
    containerSpec.Secrets = [
      // 0444: the job can read its runner's env anyway (it runs as the runner's user); root-only would break
      // images that run as another user.
      {
        File: { Name: secret.name, UID: '0', GID: '0', Mode: 0o444 },
        SecretID: secret.id,
        SecretName: secret.name,
      },
    ];
  } else {
    if (spec.entrypoint !== undefined && spec.entrypoint.length > 0)
      containerSpec.Command = [...spec.entrypoint];
    if (spec.command !== undefined && spec.command.length > 0) containerSpec.Args = [...spec.command];
  }
  const networks = [...(spec.network === undefined ? [] : [spec.network]), ...(spec.extraNetworks ?? [])];
  return {
    Name: spec.name,
    Labels: { ...spec.labels },
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Resources: toResources(spec.limits, options.reserveLimits),
      // An ephemeral runner takes one job: a restarted task would try to take a second one.
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      Placement: toPlacement(options.placement, spec.placement),
      Networks: networks.map((target) => ({ Target: target })),
      // A chatty or hostile job cannot fill a node's disk through its output: at most 2 × 10 MB kept.
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '2' } },
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    // Names resolve to the task's own address: runners publish nothing, so they need no virtual IP (nor IPVS).
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

function toResources(limits: ContainerLimits | undefined, reserve: boolean): Record<string, unknown> {
  const limitsField: Record<string, number> = {};
  const reservations: Record<string, number> = {};
  if (limits?.nanoCpus) limitsField.NanoCPUs = limits.nanoCpus;
  if (limits?.memoryBytes) limitsField.MemoryBytes = limits.memoryBytes;
  if (limits?.pidsLimit) limitsField.Pids = limits.pidsLimit;
  if (reserve) {
    if (limits?.nanoCpus) reservations.NanoCPUs = limits.nanoCpus;
    if (limits?.memoryBytes) reservations.MemoryBytes = limits.memoryBytes;
  }
  return { Limits: limitsField, Reservations: reservations };
}

/** Both placements: every constraint applies; the runner's own preferences come first. */
export function toPlacement(
  base: RunnerPlacement,
  own: RunnerPlacement | undefined,
): Record<string, unknown> {
  const constraints = [...(base.constraints ?? []), ...(own?.constraints ?? [])];
  const preferences = [...(own?.preferences ?? []), ...(base.preferences ?? [])].map(toPreference);
  return { Constraints: constraints, Preferences: preferences };
}

/** `spread=node.labels.zone` (as `--placement-pref` takes it) or `node.labels.zone` as the API's preference. */
function toPreference(preference: string): { Spread: { SpreadDescriptor: string } } {
  const match = /^(?:spread=)?(\S+)$/.exec(preference.trim());
  if (match?.[1] === undefined || match[1].includes('=')) {
    throw new AppError(
      'runtime.failed',
      `Invalid placement preference ${JSON.stringify(preference)}: use "spread=<node attribute>", for example "spread=node.labels.zone".`,
      { retryable: false },
    );
  }
  return { Spread: { SpreadDescriptor: match[1] } };
}

/** Privileged containers (a Docker engine sidecar) need `docker run` options a Swarm service does not have. */
export function assertCanRunOnSwarm(spec: RunnerContainerSpec): void {
  if (spec.privileges === undefined) return;
  throw new AppError(
    'runtime.failed',
    `Runner "${spec.name}" asks for privileges (a Docker engine sidecar), which Swarm services do not support: ` +
      'run pools with Docker-in-Docker on the docker runtime.',
    { retryable: false, details: { reason: 'unsupported_on_swarm' } },
  );
}
