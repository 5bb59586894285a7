import { isAppError, type ErrorCode } from '@gha-ephemeral/contract';
import { uniqueId, waitFor } from '@gha-ephemeral/testkit';
import { expect } from 'vitest';
import type { ContainerEvent, RunnerContainer, RunnerRuntime, RuntimeEvent } from '../../src/index.js';

/** The label every container and network a contract test makes carries, with the run's id as its value. */
export const TEST_LABEL = 'gha-ephemeral.test';

/**
 * What an adapter's test file provides besides the runtime itself: the things the port deliberately does not
 * offer (images, networks, clean-up), done the adapter's way.
 */
export interface RuntimeContractFixtures {
  /** Throws (loudly, never skips) when the engine does not answer. */
  requireEngine(): Promise<void>;
  /**
   * Makes sure the test image exists and returns its reference. Its ENTRYPOINT is a shell script that exports
   * `ENTRYPOINT_RAN=1` and then execs its arguments; its CMD is `sleep 600`; it has `sh` and `node`.
   */
  prepareTestImage(): Promise<string>;
  /** Creates a user-defined network carrying `labels` and returns its name. */
  createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<string>;
  /** Removes every container, then every network, carrying `label=value`. */
  removeByLabel(label: string, value: string): Promise<void>;
  /** A runtime of the same kind pointed at an engine that does not exist (nothing listens there). */
  makeUnreachableRuntime(): RunnerRuntime;
  /** Where the adapter differs from Docker, by its documented design; left out: Docker's. */
  capabilities?: Partial<RuntimeCapabilities>;
}

/**
 * What an adapter can do that others cannot. The contract checks each case the way the adapter promises it (the
 * Docker adapter promises every one): a difference is documented in the adapter, never a silent gap.
 */
export interface RuntimeCapabilities {
  /** The form of a container's `id`. Docker: a hex id of 12 or more characters. */
  idPattern: RegExp;
  /**
   * `ensureNetwork` can make a network on which containers cannot reach each other (a bridge without
   * inter-container traffic). When false it must say so: `interContainer: true` for every network it makes.
   */
  isolatedNetworks: boolean;
  /**
   * `removeNetwork` disconnects running containers still on the network, which run on. When false it refuses with
   * `runtime.failed` while a container uses the network, touching nothing, and removes it once they are gone.
   */
  detachesOnNetworkRemoval: boolean;
}

/** What the Docker adapter does: the defaults of {@link RuntimeContractFixtures.capabilities}. */
export const DOCKER_CAPABILITIES: RuntimeCapabilities = {
  idPattern: /^[0-9a-f]{12,}$/,
  isolatedNetworks: true,
  detachesOnNetworkRemoval: true,
};

/** What every group of contract cases shares. Getters, because values exist only once `beforeAll` ran. */
export interface ContractContext {
  runtime(): RunnerRuntime;
  image(): string;
  runId(): string;
  fixtures: RuntimeContractFixtures;
  /** The adapter's capabilities, Docker's where its fixtures say nothing. */
  capabilities: RuntimeCapabilities;
  /** Labels for one case: the run's test label, a unique case label, and `extra`. */
  caseLabels(extra?: Record<string, string>): Record<string, string>;
}

/** A container name no other test uses. */
export function uniqueName(prefix = 'rt'): string {
  return uniqueId(prefix);
}

/** Waits until the container has stopped and returns it (with its exit code). */
export async function waitForExit(
  runtime: RunnerRuntime,
  idOrName: string,
  timeoutMs = 30_000,
): Promise<RunnerContainer> {
  return waitFor(
    async () => {
      const container = await runtime.get(idOrName);
      return container !== null && (container.state === 'exited' || container.state === 'dead')
        ? container
        : null;
    },
    { message: `container ${idOrName} to exit`, timeoutMs, intervalMs: 100 },
  );
}

/** Asserts that `promise` rejects with an AppError of `code`, and returns that error. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode) {
  const error: unknown = await promise.then(
    () => new Error(`expected a rejection with ${code}, but the call succeeded`),
    (rejection: unknown) => rejection,
  );
  if (!isAppError(error)) throw error;
  expect(error.code).toBe(code);
  return error;
}

/** Collects events in the background until `signal` aborts; `done` settles when the iteration has ended. */
export function collectEvents(iterable: AsyncIterable<RuntimeEvent>): {
  events: ContainerEvent[];
  /** How many times the stream said it was cut and is back. */
  resumed: () => number;
  done: Promise<void>;
} {
  const events: ContainerEvent[] = [];
  let resumed = 0;
  const done = (async () => {
    for await (const event of iterable) {
      if (event.type === 'resumed') resumed += 1;
      else events.push(event);
    }
  })();
  return { events, resumed: () => resumed, done };
}

/** A node program that exits 0 once it connects to 127.0.0.1:$PORT, or 1 after $WITHIN_MS of trying. */
export const CONNECT_SCRIPT = [
  "const net = require('net');",
  'const deadline = Date.now() + Number(process.env.WITHIN_MS);',
  '(function attempt() {',
  "  const socket = net.connect(Number(process.env.PORT), '127.0.0.1');",
  "  socket.on('connect', () => process.exit(0));",
  "  socket.on('error', () => (Date.now() > deadline ? process.exit(1) : setTimeout(attempt, 100)));",
  '})();',
].join('\n');

/** A node program that serves TCP on 127.0.0.1:$PORT until killed. */
export const SERVE_SCRIPT =
  "require('net').createServer((socket) => socket.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');";

/** A node program that exits 0 when $TARGET resolves by DNS, 1 when it does not. */
export const RESOLVE_SCRIPT =
  "require('dns').lookup(process.env.TARGET, (error) => process.exit(error ? 1 : 0));";
