import Dockerode from 'dockerode';

/** Docker's label filter: `key` alone matches any value. */
function labelFilter(label: string, value: string | undefined): string {
  return value === undefined ? label : `${label}=${value}`;
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** How many containers (any state) carry `label` (with `value`, when given). */
export async function countContainersByLabel(label: string, value?: string): Promise<number> {
  const listed = await new Dockerode().listContainers({
    all: true,
    filters: { label: [labelFilter(label, value)] },
  });
  return listed.length;
}

/**
 * Force-removes every container (any state) that carries `label` (with `value`, when given), and its anonymous
 * volumes. Containers already gone or already being removed count as done.
 * @returns how many containers it removed.
 */
export async function removeContainersByLabel(label: string, value?: string): Promise<number> {
  const docker = new Dockerode();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [labelFilter(label, value)] },
  });
  const results = await Promise.all(
    containers.map(async (container) => {
      try {
        await docker.getContainer(container.Id).remove({ force: true, v: true });
        return 1;
      } catch (error) {
        if (statusCode(error) === 404 || statusCode(error) === 409) return 0;
        throw error;
      }
    }),
  );
  return results.reduce<number>((sum, removed) => sum + removed, 0);
}

/**
 * Removes every network that carries `label` (with `value`, when given), disconnecting any container still
 * attached first (a network with endpoints cannot be removed).
 * @returns how many networks it removed.
 */
export async function removeNetworksByLabel(label: string, value?: string): Promise<number> {
  const docker = new Dockerode();
  const networks = await docker.listNetworks({ filters: { label: [labelFilter(label, value)] } });
  let removed = 0;
  for (const { Id } of networks) {
    const network = docker.getNetwork(Id);
    try {
      const info = (await network.inspect()) as { Containers?: Record<string, unknown> | null };
      for (const containerId of Object.keys(info.Containers ?? {})) {
        await network.disconnect({ Container: containerId, Force: true }).catch(() => undefined);
      }
      await network.remove();
      removed += 1;
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }
  return removed;
}
