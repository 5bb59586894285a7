/** Carried by node containers, networks and swarm node entries: `<prefix>`. */
export const SWARM_NODE_LABEL = 'gha-ephemeral.swarm-node';
/** The tests' own label (see the README's conventions), also set to `<prefix>`. */
export const TEST_LABEL = 'gha-ephemeral.test';

/** The i-th node's container name and hostname (hence its swarm node name): `<prefix>-n<i + 1>`. */
export function nodeName(prefix: string, index: number): string {
  return `${prefix}-n${index + 1}`;
}

/** The user-defined network the node containers share. */
export function networkName(prefix: string): string {
  return `${prefix}-net`;
}

/** `<prefix>-n<number>`: the hostnames `startSwarmNodes` gives. */
export function isNodeOf(prefix: string, hostname: string): boolean {
  return hostname.startsWith(`${prefix}-n`) && /^\d+$/.test(hostname.slice(prefix.length + 2));
}
