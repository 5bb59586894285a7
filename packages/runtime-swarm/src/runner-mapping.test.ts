import { describe, expect, it } from 'vitest';
import { NOT_RUN_EXIT_CODE, describeRunner, newestTask } from './runner-mapping.js';
import type { SwarmService, SwarmTask } from './swarm-types.js';

const service: SwarmService = {
  ID: 'svc1',
  CreatedAt: '2026-01-01T00:00:00.123456789Z',
  Spec: { Name: 'runner-1', Labels: { a: 'b' }, TaskTemplate: { ContainerSpec: { Image: 'img:1' } } },
};
const created = Date.parse('2026-01-01T00:00:00Z');
const context = { now: created + 5_000, placementTimeoutMs: 30_000, downNodes: new Set<string>() };

function task(state: string, extra: Partial<SwarmTask['Status']> = {}, nodeId = 'n1'): SwarmTask {
  return {
    ID: 't',
    ServiceID: 'svc1',
    NodeID: nodeId,
    CreatedAt: '2026-01-01T00:00:00Z',
    Status: { State: state, ...extra },
  };
}

describe('describeRunner', () => {
  it('takes id, name, image, labels and creation from the service', () => {
    expect(describeRunner(service, undefined, context).container).toEqual({
      id: 'svc1',
      name: 'runner-1',
      image: 'img:1',
      labels: { a: 'b' },
      state: 'created',
      exitCode: null,
      createdAt: '2026-01-01T00:00:00.123Z',
    });
  });

  it.each([
    ['pending', {}, 'created', null],
    ['assigned', {}, 'created', null],
    ['starting', {}, 'created', null],
    ['running', {}, 'running', null],
    ['complete', {}, 'exited', 0],
    [
      'failed',
      { Err: 'task: non-zero exit (3)', ContainerStatus: { ContainerID: 'c', ExitCode: 3 } },
      'exited',
      3,
    ],
    ['failed', { Err: 'starting container failed' }, 'exited', NOT_RUN_EXIT_CODE],
    ['rejected', { Err: 'No such image: x' }, 'exited', NOT_RUN_EXIT_CODE],
    ['shutdown', { ContainerStatus: { ContainerID: 'c', ExitCode: 137 } }, 'exited', 137],
    ['orphaned', {}, 'exited', null],
  ] as const)('maps a %s task (%j) to %s with exit code %s', (state, status, expected, exitCode) => {
    const { container } = describeRunner(service, task(state, status), context);
    expect(container).toMatchObject({ state: expected, exitCode });
  });

  it('keeps a task waiting for a node created until the bound, then exited with the reason', () => {
    const waiting = task('pending', {
      Err: 'no suitable node (scheduling constraints not satisfied on 1 node)',
    });
    expect(describeRunner(service, waiting, context).container.state).toBe('created');
    const late = describeRunner(service, waiting, { ...context, now: created + 30_000 });
    expect(late).toMatchObject({ ran: false, container: { state: 'exited', exitCode: NOT_RUN_EXIT_CODE } });
    expect(late.container.reason).toMatch(/within 30 s: no suitable node/);
  });

  it('reports a task on a node that is down as exited, with the reason', () => {
    const { container } = describeRunner(service, task('running'), {
      ...context,
      downNodes: new Set(['n1']),
    });
    expect(container).toMatchObject({ state: 'exited', exitCode: null, reason: 'its node n1 is down' });
  });
});

describe('newestTask', () => {
  it('picks the task created last', () => {
    const old = { ...task('failed'), ID: 'old', CreatedAt: '2026-01-01T00:00:00Z' };
    const fresh = { ...task('running'), ID: 'new', CreatedAt: '2026-01-01T00:01:00Z' };
    expect(newestTask([fresh, old])?.ID).toBe('new');
    expect(newestTask([])).toBeUndefined();
  });
});
