import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A unix socket server made for a test, and how to get rid of it. */
export interface TestSocketServer {
  path: string;
  /** Cuts every open connection, as an engine restart or a flaky link would. */
  dropConnections(): void;
  close(): Promise<void>;
}

async function listenOnTempSocket(server: Server, sockets: Set<Socket>): Promise<TestSocketServer> {
  const directory = await mkdtemp(join(tmpdir(), 'gha-sock-'));
  const path = join(directory, 'engine.sock');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    path,
    dropConnections,
    close: async () => {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A unix socket that forwards every connection to `target` (the real engine's socket). */
export async function startSocketProxy(target: string): Promise<TestSocketServer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return listenOnTempSocket(server, sockets);
}

/** A unix socket that accepts connections and never answers: a hung engine. */
export async function startSilentSocket(): Promise<TestSocketServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  return listenOnTempSocket(server, sockets);
}
