import type Dockerode from 'dockerode';
import type {
  ContainerLimits,
  ContainerPrivileges,
  ContainerState,
  RunnerContainer,
  RunnerContainerSpec,
} from './runtime.js';

const STATES: ReadonlySet<string> = new Set<ContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/**
 * The engine's state name as a {@link ContainerState}. Docker only uses the listed names; other engines speaking
 * its API (Podman) say `stopped` and `configured`, and anything else unknown is treated as unusable (`dead`).
 */
export function toContainerState(status: string): ContainerState {
  const lower = status.toLowerCase();
  if (STATES.has(lower)) return lower as ContainerState;
  if (lower === 'stopped') return 'exited';
  if (lower === 'configured') return 'created';
  return 'dead';
}

/** A container as `docker inspect` describes it. */
export function fromInspectInfo(info: Dockerode.ContainerInspectInfo): RunnerContainer {
  const state = toContainerState(info.State.Status);
  const stopped = state === 'exited' || state === 'dead';
  const created = new Date(info.Created);
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    labels: { ...(info.Config.Labels ?? {}) },
    state,
    // Docker reports 0 for a container that never stopped; only a stopped one has a real exit code.
    exitCode: stopped ? info.State.ExitCode : null,
    createdAt: Number.isNaN(created.getTime()) ? info.Created : created.toISOString(),
  };
}

/** The cgroup limits of a spec as `HostConfig` fields; a limit of 0 (or none) is left to the engine (none). */
function limitsConfig(limits: ContainerLimits | undefined): Dockerode.HostConfig {
  const config: Dockerode.HostConfig = {};
  if (limits?.memoryBytes) {
    config.Memory = limits.memoryBytes;
    // Equal to Memory: no swap on top, so a job over its memory is killed at once instead of thrashing the host.
    config.MemorySwap = limits.memoryBytes;
  }
  if (limits?.nanoCpus) config.NanoCpus = limits.nanoCpus;
  if (limits?.pidsLimit) config.PidsLimit = limits.pidsLimit;
  return config;
}

/** `HostConfig` with the cgroup namespace field (API 1.41) that dockerode's typings lack. */
type HostConfig = Dockerode.HostConfig & { CgroupnsMode?: 'host' | 'private' };

/** The privilege fields of a spec; without any, only `no-new-privileges`. */
function privilegesConfig(given: ContainerPrivileges | undefined): HostConfig {
  const privileges = given ?? {};
  // A job's setuid binaries (sudo, su) gain it nothing beyond what it already has.
  const noNewPrivileges = privileges.noNewPrivileges === false ? [] : ['no-new-privileges:true'];
  const config: HostConfig = { SecurityOpt: [...noNewPrivileges, ...(privileges.securityOpt ?? [])] };
  // A plain runner gets no raw sockets: no forged ARP or IP packets against its neighbours (ping still works).
  if (given === undefined) config.CapDrop = ['NET_RAW'];
  if (privileges.privileged === true) config.Privileged = true;
  if (privileges.capAdd !== undefined && privileges.capAdd.length > 0) config.CapAdd = [...privileges.capAdd];
  if (privileges.cgroupnsMode !== undefined) config.CgroupnsMode = privileges.cgroupnsMode;
  if (privileges.binds !== undefined && privileges.binds.length > 0) config.Binds = [...privileges.binds];
  return config;
}

/** The `POST /containers/create` body for a spec. It holds the env, so it is never logged. */
export function toCreateBody(spec: RunnerContainerSpec, init: boolean): Dockerode.ContainerCreateOptions {
  const hostConfig: HostConfig = {
    // We remove containers ourselves, after reading the exit code.
    AutoRemove: false,
    // An ephemeral runner takes one job: a restarted container would try to take a second one.
    RestartPolicy: { Name: 'no' },
    // An init as PID 1 reaps the zombies that job steps leave and forwards SIGTERM to the runner.
    Init: init,
    // A chatty or hostile job cannot fill the host's disk through its output: at most 2 × 10 MB kept.
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    ...limitsConfig(spec.limits),
    ...privilegesConfig(spec.privileges),
  };
  if (spec.network !== undefined) hostConfig.NetworkMode = spec.network;
  const body: Dockerode.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: { ...spec.labels },
    HostConfig: hostConfig,
  };
  if (spec.command !== undefined && spec.command.length > 0) body.Cmd = [...spec.command];
  if (spec.entrypoint !== undefined && spec.entrypoint.length > 0) body.Entrypoint = [...spec.entrypoint];
  return body;
}

/** Docker's label filter: one `key=value` per label; the engine requires all of them to match. */
export function toLabelFilters(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
