import { AppError } from '@gha-ephemeral/contract';
import { describe, expect, it } from 'vitest';
import { parseMessage, readStatistics } from './message.js';

const STATS = {
  totalAvailableJobs: 0,
  totalAcquiredJobs: 2,
  totalAssignedJobs: 2,
  totalRunningJobs: 1,
  totalRegisteredRunners: 3,
  totalBusyRunners: 1,
  totalIdleRunners: 2,
};
const ZERO = {
  totalAvailableJobs: 0,
  totalAcquiredJobs: 0,
  totalAssignedJobs: 0,
  totalRunningJobs: 0,
  totalRegisteredRunners: 0,
  totalBusyRunners: 0,
  totalIdleRunners: 0,
};

const assigned = { messageType: 'JobAssigned', runnerRequestId: 7, jobId: '42', requestLabels: ['set'] };
const started = { messageType: 'JobStarted', runnerRequestId: 7, runnerId: 3, runnerName: 'r-1' };

const message = (over: Record<string, unknown>) =>
  JSON.stringify({ messageId: 5, messageType: 'RunnerScaleSetJobMessages', statistics: STATS, ...over });

describe('readStatistics', () => {
  it.each([
    ['every count given', STATS, STATS],
    [
      'missing counts are 0 (GitHub omits zeros)',
      { totalAssignedJobs: 4 },
      { ...ZERO, totalAssignedJobs: 4 },
    ],
    ['an empty object', {}, ZERO],
    ['unknown fields ignored', { ...STATS, extra: 'x' }, STATS],
    ['a negative count', { ...STATS, totalAssignedJobs: -1 }, null],
    ['a count as a string', { ...STATS, totalIdleRunners: '2' }, null],
    ['a count not finite', { ...STATS, totalBusyRunners: Number.POSITIVE_INFINITY }, null],
    ['null', null, null],
    ['a number', 3, null],
    ['a string', 'stats', null],
  ])('%s', (_name, input, expected) => {
    expect(readStatistics(input)).toEqual(expected);
  });
});

describe('parseMessage', () => {
  it.each([
    [
      'a body as a JSON string',
      message({ body: JSON.stringify([assigned, started]) }),
      {
        messageId: 5,
        messageType: 'RunnerScaleSetJobMessages',
        statistics: STATS,
        jobs: [assigned, started],
        problem: null,
      },
    ],
    [
      'an empty body',
      message({ body: '' }),
      { messageId: 5, messageType: 'RunnerScaleSetJobMessages', statistics: STATS, jobs: [], problem: null },
    ],
    [
      'a blank body',
      message({ body: '  ' }),
      { messageId: 5, messageType: 'RunnerScaleSetJobMessages', statistics: STATS, jobs: [], problem: null },
    ],
    [
      'no body',
      message({ body: undefined }),
      { messageId: 5, messageType: 'RunnerScaleSetJobMessages', statistics: STATS, jobs: [], problem: null },
    ],
    [
      'unknown job types dropped',
      message({
        body: JSON.stringify([{ messageType: 'JobFuture', runnerRequestId: 1 }, null, 'x', assigned]),
      }),
      {
        messageId: 5,
        messageType: 'RunnerScaleSetJobMessages',
        statistics: STATS,
        jobs: [assigned],
        problem: null,
      },
    ],
    [
      'bad statistics (a negative count): statistics null, jobs kept',
      message({ body: JSON.stringify([assigned]), statistics: { ...STATS, totalAssignedJobs: -3 } }),
      {
        messageId: 5,
        messageType: 'RunnerScaleSetJobMessages',
        statistics: null,
        jobs: [assigned],
        problem: null,
      },
    ],
    [
      'no statistics, no messageType',
      JSON.stringify({ messageId: 9, body: '[]' }),
      { messageId: 9, messageType: '', statistics: null, jobs: [], problem: null },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseMessage(text)).toEqual(expected);
  });

  it.each([
    ['not JSON', message({ body: '[{"messageType":' }), 'its body is not JSON'],
    ['not a list', message({ body: JSON.stringify(assigned) }), 'its body is not a list'],
  ])(
    'keeps the id and statistics of a message whose body is %s, so it can be acknowledged',
    (_n, text, problem) => {
      expect(parseMessage(text)).toEqual({
        messageId: 5,
        messageType: 'RunnerScaleSetJobMessages',
        statistics: STATS,
        jobs: [],
        problem,
      });
    },
  );

  it.each([
    ['not JSON', '{messageId: 1', /not JSON/],
    ['JSON null', 'null', /no messageId/],
    ['no messageId', JSON.stringify({ body: '[]' }), /no messageId/],
    ['a messageId as a string', JSON.stringify({ messageId: '5', body: '[]' }), /no messageId/],
  ])('refuses %s with a retryable github.unavailable', (_name, text, reason) => {
    let caught: unknown;
    try {
      parseMessage(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'github.unavailable', retryable: true });
    expect((caught as AppError).message).toMatch(reason);
  });
});
