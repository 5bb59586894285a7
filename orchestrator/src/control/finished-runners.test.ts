import { createLogger } from '@gha-ephemeral/logging';
import { describe, expect, it } from 'vitest';
import { DemandBook } from '../signals/demand-book.js';
import { removeFinishedRunners, singleFlight } from './finished-runners.js';
import { InMemoryFleet } from './testing/in-memory-fleet.js';

const logger = createLogger({ service: 'test', level: 'ERROR' }).logger;
const scope = { kind: 'repository', owner: 'octo', repo: 'hello' } as const;

describe('removing the runners of completed jobs (control acts on what the webhook noted)', () => {
  it('removes a finished runner whose container stayed, forgets one already gone, and each only once', async () => {
    const fleet = new InMemoryFleet();
    const [stayed] = await fleet.create({ scope, labels: [], count: 1 });
    const [exited] = await fleet.create({ scope, labels: [], count: 1 });
    fleet.setStatus(exited!.id, 'exited');
    const book = new DemandBook();
    book.finished(1, stayed!.id);
    book.finished(2, exited!.id);
    book.finished(3, 'gha-never-seen');
    expect(await removeFinishedRunners({ book, fleet, logger })).toBe(1);
    expect(fleet.removed).toEqual([stayed!.id]);
    expect(book.finishedRunners()).toEqual([]);
    expect(await removeFinishedRunners({ book, fleet, logger })).toBe(0);
  });
});

describe('singleFlight', () => {
  it('runs one at a time, folding the calls made meanwhile into one more run', async () => {
    let runs = 0;
    let release = () => {};
    const task = singleFlight(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = task();
    const second = task();
    const third = task();
    expect(runs).toBe(1);
    release();
    await Promise.all([first, second, third]);
    expect(runs).toBe(2);
  });
});
