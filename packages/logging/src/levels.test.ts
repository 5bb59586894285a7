import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { LOG_LEVELS, parseLogLevel } from './levels.js';

function jsonLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  const { logger } = createLogger({ service: 'test', level, format: 'json', destination });
  return { logger, lines };
}

describe('parseLogLevel', () => {
  it.each([
    ['DEBUG', 'DEBUG'],
    ['debug', 'DEBUG'],
    ['Info', 'INFO'],
    ['WARNING', 'WARNING'],
    ['warn', 'WARNING'],
    ['ERROR', 'ERROR'],
    ['critical', 'CRITICAL'],
    ['FATAL', 'CRITICAL'],
    [' info ', 'INFO'],
  ])('reads %j as %s', (text, level) => {
    expect(parseLogLevel(text)).toBe(level);
  });

  it.each(['TRACE', 'verbose', '', '30'])('refuses %j', (text) => {
    expect(parseLogLevel(text)).toBeUndefined();
  });

  it('lists the words in order of severity', () => {
    expect(LOG_LEVELS).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
  });
});

describe('levels in output', () => {
  it('writes each level as its LOG_LEVEL word', () => {
    const { logger, lines } = jsonLogger('DEBUG');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(lines.map((line) => line.level)).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
  });

  it.each([
    ['DEBUG', ['d', 'i', 'w', 'e', 'f']],
    ['INFO', ['i', 'w', 'e', 'f']],
    ['warn', ['w', 'e', 'f']],
    ['WARNING', ['w', 'e', 'f']],
    ['ERROR', ['e', 'f']],
    ['CRITICAL', ['f']],
    ['fatal', ['f']],
  ])('at %s writes %j', (level, messages) => {
    const { logger, lines } = jsonLogger(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(lines.map((line) => line.msg)).toEqual(messages);
  });

  it('refuses an unknown level', () => {
    expect(() => createLogger({ service: 'x', level: 'loud' })).toThrow(/Unknown log level "loud"/);
  });
});
