import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { fromInspectInfo, toContainerState, toCreateBody, toLabelFilters } from './container-mapping.js';

function inspectInfo(status: string, exitCode: number): Dockerode.ContainerInspectInfo {
  return {
    Id: 'f00',
    Name: '/runner-1',
    Created: '2026-11-27T18:42:53.628977185Z',
    State: { Status: status, ExitCode: exitCode },
    Config: { Image: 'myoung34/github-runner:latest', Labels: { a: 'b' } },
  } as unknown as Dockerode.ContainerInspectInfo;
}

describe('fromInspectInfo', () => {
  it('describes a stopped container with its exit code', () => {
    expect(fromInspectInfo(inspectInfo('exited', 3))).toEqual({
      id: 'f00',
      name: 'runner-1',
      image: 'myoung34/github-runner:latest',
      labels: { a: 'b' },
      state: 'exited',
      exitCode: 3,
      createdAt: '2026-11-27T18:42:53.628Z',
    });
  });

  it('gives a running container no exit code (Docker says 0)', () => {
    expect(fromInspectInfo(inspectInfo('running', 0)).exitCode).toBeNull();
  });
});

describe('toContainerState', () => {
  it.each([
    ['running', 'running'],
    ['Exited', 'exited'],
    ['stopped', 'exited'],
    ['configured', 'created'],
    ['weird', 'dead'],
  ])('%s is %s', (status, state) => expect(toContainerState(status)).toBe(state));
});

describe('toCreateBody', () => {
  it('sets env, labels, command, network, no restart policy and no auto-removal', () => {
    const body = toCreateBody(
      {
        name: 'r1',
        image: 'img',
        command: ['run', '--once'],
        env: { A: '1', B: 'x=y' },
        labels: { l: 'v' },
        network: 'net',
      },
      true,
    );
    expect(body).toEqual({
      name: 'r1',
      Image: 'img',
      Cmd: ['run', '--once'],
      Env: ['A=1', 'B=x=y'],
      Labels: { l: 'v' },
      HostConfig: {
        AutoRemove: false,
        RestartPolicy: { Name: 'no' },
        Init: true,
        NetworkMode: 'net',
        SecurityOpt: ['no-new-privileges:true'],
        CapDrop: ['NET_RAW'],
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      },
    });
  });

  it('sets the limits, swap off, and the entry point', () => {
    const body = toCreateBody(
      {
        name: 'r1',
        image: 'img',
        entrypoint: ['/actions-runner/run.sh'],
        env: {},
        labels: {},
        limits: { memoryBytes: 2 ** 30, nanoCpus: 1.5e9, pidsLimit: 512 },
      },
      true,
    );
    expect(body.Entrypoint).toEqual(['/actions-runner/run.sh']);
    expect(body).not.toHaveProperty('Cmd');
    expect(body.HostConfig).toMatchObject({
      Memory: 2 ** 30,
      MemorySwap: 2 ** 30,
      NanoCpus: 1.5e9,
      PidsLimit: 512,
    });
  });

  it('leaves a limit of 0 to the engine (none)', () => {
    const body = toCreateBody(
      {
        name: 'r1',
        image: 'img',
        env: {},
        labels: {},
        limits: { memoryBytes: 0, nanoCpus: 0, pidsLimit: 0 },
      },
      true,
    );
    for (const field of ['Memory', 'MemorySwap', 'NanoCpus', 'PidsLimit']) {
      expect(body.HostConfig).not.toHaveProperty(field);
    }
  });

  it("keeps the image's CMD and the default network when none is given", () => {
    const body = toCreateBody({ name: 'r1', image: 'img', env: {}, labels: {} }, false);
    expect(body).not.toHaveProperty('Cmd');
    expect(body.HostConfig).not.toHaveProperty('NetworkMode');
  });
});

describe('toCreateBody privileges', () => {
  const spec = { name: 'engine', image: 'dind', env: {}, labels: {} };

  it('gives an ordinary container no privileges beyond the defaults', () => {
    const host = toCreateBody(spec, true).HostConfig ?? {};
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    for (const field of ['Privileged', 'CapAdd', 'CgroupnsMode', 'Binds']) {
      expect(host).not.toHaveProperty(field);
    }
  });

  it('maps capabilities, security options, the cgroup namespace and binds for an engine sidecar', () => {
    const body = toCreateBody(
      {
        ...spec,
        privileges: {
          capAdd: ['SYS_ADMIN', 'NET_ADMIN'],
          securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
          noNewPrivileges: false,
          cgroupnsMode: 'host',
          binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
        },
      },
      true,
    );
    expect(body.HostConfig).toMatchObject({
      CapAdd: ['SYS_ADMIN', 'NET_ADMIN'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      CgroupnsMode: 'host',
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
    });
    expect(body.HostConfig).not.toHaveProperty('Privileged');
  });

  it('keeps no-new-privileges beside extra security options unless turned off', () => {
    const body = toCreateBody({ ...spec, privileges: { securityOpt: ['seccomp=unconfined'] } }, true);
    expect(body.HostConfig?.SecurityOpt).toEqual(['no-new-privileges:true', 'seccomp=unconfined']);
  });

  it('runs privileged when asked', () => {
    const body = toCreateBody({ ...spec, privileges: { privileged: true, noNewPrivileges: false } }, true);
    expect(body.HostConfig).toMatchObject({ Privileged: true, SecurityOpt: [] });
  });

  it('leaves the extra networks out of the body (they are joined between create and start)', () => {
    const body = toCreateBody({ ...spec, network: 'runners', extraNetworks: ['private'] }, true);
    expect(body.HostConfig?.NetworkMode).toBe('runners');
    expect(JSON.stringify(body)).not.toContain('private');
  });
});

describe('toLabelFilters', () => {
  it('asks for every label with its value', () => {
    expect(toLabelFilters({ a: '1', b: 'x=y' })).toEqual(['a=1', 'b=x=y']);
  });
});
