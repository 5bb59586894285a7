// The orchestrator's entry point in its image. The orchestrator needs the Docker socket, and the socket's group
// differs from host to host (`docker` with some gid on Debian, root on Docker Desktop and in many CI setups), so a
// fixed `USER` in the image either fails on some hosts or needs each user to look up a gid. Instead the container
// starts as root, this script adds the socket's owning group to the `node` user's groups, drops to `node` for
// good (setgroups, setgid, setuid: no way back), and only then loads the service. Whoever can use the socket
// controls the host's Docker engine anyway; running as `node` still keeps a bug in the service from writing to
// the image's files or using root's other powers in the container.
//
// Started as another user already (`user:` in compose, `docker run --user`), it changes nothing.
import { stat } from 'node:fs/promises';

const RUN_AS = 'node';

/** The Unix socket the orchestrator will use: DOCKER_HOST when it is unix://, else Docker's default. */
function dockerSocketPath() {
  const host = process.env.DOCKER_HOST ?? '';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return host === '' ? '/var/run/docker.sock' : null;
}

async function dropPrivileges() {
  const groups = [RUN_AS];
  const socket = dockerSocketPath();
  if (socket !== null) {
    try {
      // Not statSync: on Node 20, a synchronous stat of a socket here makes the ES module loader stop resolving
      // symlinks afterwards, and the service's imports through pnpm's node_modules fail.
      groups.push((await stat(socket)).gid);
    } catch {
      // No socket mounted: the service reports the engine as down in its log and on /health.
    }
  }
  process.setgroups(groups);
  process.setgid(RUN_AS);
  process.setuid(RUN_AS);
  process.env.HOME = '/home/node';
  process.env.USER = RUN_AS;
}

if (process.getuid?.() === 0) await dropPrivileges();
await import('../dist/main.js');
