import type Dockerode from 'dockerode';

// docker-modem keeps its connection settings on the instance but its typings do not declare them.
interface ModemSettings {
  socketPath?: unknown;
  host?: unknown;
  port?: unknown;
  protocol?: unknown;
}

/**
 * Where the client sends its requests, for error messages: `unix:///var/run/docker.sock`, `tcp://host:2375`, ...
 * No credentials are part of it (docker-modem keeps those in separate fields).
 */
export function describeEngineAddress(docker: Dockerode): string {
  const modem = docker.modem as unknown as ModemSettings;
  if (typeof modem.host === 'string' && modem.host !== '') {
    const protocol = typeof modem.protocol === 'string' ? modem.protocol : 'http';
    const scheme = protocol === 'http' ? 'tcp' : protocol;
    const port = typeof modem.port === 'string' || typeof modem.port === 'number' ? `:${modem.port}` : '';
    return `${scheme}://${modem.host}${port}`;
  }
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  // docker-modem's default is a function that picks ~/.docker/run/docker.sock or /var/run/docker.sock.
  return 'the default socket (unix:///var/run/docker.sock)';
}
