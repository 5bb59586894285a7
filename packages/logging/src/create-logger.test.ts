import { describe, expect, it } from 'vitest';
import { createLogger, type CreateLoggerOptions } from './create-logger.js';
import { LOG_CATEGORIES } from './categories.js';

function capture(options: Partial<CreateLoggerOptions> = {}, isTTY = false) {
  const lines: string[] = [];
  const destination = { isTTY, write: (line: string) => void lines.push(line) };
  const created = createLogger({ service: 'orchestrator', destination, ...options });
  return { ...created, lines, text: () => lines.join('') };
}

const PRETTY_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\S+) (\S+) +\[orchestrator\] (.*)$/u;

describe('JSON format', () => {
  it('writes pino JSON with ISO time, level word, category, service and fields', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.info({ category: 'START', port: 8000 }, 'orchestrator starting');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toEqual({
      level: 'INFO',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'orchestrator',
      category: 'START',
      port: 8000,
      msg: 'orchestrator starting',
    });
  });

  it('keeps child bindings as plain fields', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.child({ component: 'reconciler' }).warn({ scope: 'octo/repo' }, 'pass slow');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      component: 'reconciler',
      category: 'WARNING',
      scope: 'octo/repo',
    });
  });

  it('takes a category bound to a child once', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.child({ category: 'MONITOR' }).info('tick');
    expect(lines[0]!.match(/"category"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!).category).toBe('MONITOR');
  });
});

describe('categories', () => {
  it.each([
    ['debug', 'INFO'],
    ['info', 'INFO'],
    ['warn', 'WARNING'],
    ['error', 'ERROR'],
    ['fatal', 'ERROR'],
  ] as const)('defaults %s to %s', (method, category) => {
    const { logger, lines } = capture({ format: 'json', level: 'DEBUG' });
    logger[method]('x');
    expect(JSON.parse(lines[0]!).category).toBe(category);
  });

  it.each(Object.entries(LOG_CATEGORIES))('shows %s as %s in the pretty format', (category, emoji) => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.info({ category }, 'hello');
    const match = PRETTY_LINE.exec(lines[0]!.trimEnd());
    expect(match?.slice(1)).toEqual([emoji, category, 'hello']);
    expect(lines[0]).toContain(`${emoji} ${category.padEnd(8)} [orchestrator] hello`);
  });

  it('uses the default categories in the pretty format', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.info('a');
    logger.warn('b');
    logger.error('c');
    expect(lines.map((line) => PRETTY_LINE.exec(line.trimEnd())?.slice(1, 3))).toEqual([
      ['📋', 'INFO'],
      ['⚠️', 'WARNING'],
      ['❌', 'ERROR'],
    ]);
  });
});

describe('pretty format', () => {
  it('writes one line with the fields compactly, time in UTC', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    const before = new Date().toISOString().slice(0, 16).replace('T', ' ');
    logger.info(
      { category: 'SUCCESS', runner: 'r-1', labels: ['self-hosted', 'linux'], note: 'two words' },
      'runner started',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(before)).toBe(true);
    expect(lines[0]).toMatch(
      /✅ SUCCESS +\[orchestrator\] runner started runner=r-1 labels=\["self-hosted","linux"\] note="two words"\n$/u,
    );
  });

  it('shows a level the category does not say', () => {
    const { logger, lines } = capture({ format: 'pretty', level: 'DEBUG' });
    logger.debug('d');
    logger.error({ category: 'MONITOR' }, 'pass failed');
    logger.fatal('dying');
    logger.error('plain');
    expect(lines[0]).toMatch(/📋 INFO +\[orchestrator\] d level=DEBUG\n/u);
    expect(lines[1]).toMatch(/🔄 MONITOR +\[orchestrator\] pass failed level=ERROR\n/u);
    expect(lines[2]).toMatch(/❌ ERROR +\[orchestrator\] dying level=CRITICAL\n/u);
    expect(lines[3]).toMatch(/❌ ERROR +\[orchestrator\] plain\n/u);
  });

  it('leaves child bindings out unless verbose', () => {
    const quiet = capture({ format: 'pretty' });
    quiet.logger.child({ component: 'reconciler', scope: 'octo' }).info({ runners: 2 }, 'pass done');
    expect(quiet.lines[0]).toMatch(/\[orchestrator\] pass done runners=2\n$/);

    const verbose = capture({ format: 'pretty', verbose: true });
    verbose.logger.child({ component: 'reconciler', scope: 'octo' }).info({ runners: 2 }, 'pass done');
    expect(verbose.lines[0]).toMatch(/\[orchestrator\/reconciler\] pass done scope=octo runners=2\n$/);
  });

  it('cuts long values unless verbose', () => {
    const long = 'x'.repeat(300);
    const quiet = capture({ format: 'pretty' });
    quiet.logger.info({ long }, 'm');
    expect(quiet.lines[0]).toContain(`long=${'x'.repeat(119)}…`);
    const verbose = capture({ format: 'pretty', verbose: true });
    verbose.logger.info({ long }, 'm');
    expect(verbose.lines[0]).toContain(`long=${long}\n`);
  });

  it('shows errors as message (code), with stack and causes when verbose', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2375'), { code: 'ECONNREFUSED' });
    const error = new Error('docker unavailable', { cause });
    const quiet = capture({ format: 'pretty' });
    quiet.logger.error({ err: error }, 'pass failed');
    expect(quiet.lines[0]).toMatch(/pass failed err="docker unavailable"\n$/);
    expect(quiet.lines[0]!.split('\n')).toHaveLength(2);

    const verbose = capture({ format: 'pretty', verbose: true });
    verbose.logger.error({ err: error }, 'pass failed');
    const [line, ...rest] = verbose.lines[0]!.trimEnd().split('\n');
    expect(line).toMatch(/pass failed err="docker unavailable"$/);
    expect(rest[0]).toBe('    Error: docker unavailable');
    expect(rest.some((text) => /^ {4}at /.test(text))).toBe(true);
    const causeAt = rest.indexOf('    caused by:');
    expect(causeAt).toBeGreaterThan(0);
    expect(rest[causeAt + 1]).toBe('    Error: connect ECONNREFUSED 127.0.0.1:2375');
    expect(rest).toContain('      code=ECONNREFUSED');
  });
});

describe('format auto', () => {
  it('is pretty on a TTY and JSON otherwise', () => {
    const tty = capture({}, true);
    tty.logger.info('hello');
    expect(tty.lines[0]!.trimEnd()).toMatch(PRETTY_LINE);
    const pipe = capture({}, false);
    pipe.logger.info('hello');
    expect(JSON.parse(pipe.lines[0]!).msg).toBe('hello');
  });

  it('follows an explicit format whatever the destination', () => {
    const json = capture({ format: 'json' }, true);
    json.logger.info('hello');
    expect(JSON.parse(json.lines[0]!).msg).toBe('hello');
    const pretty = capture({ format: 'pretty' }, false);
    pretty.logger.info('hello');
    expect(pretty.lines[0]!.trimEnd()).toMatch(PRETTY_LINE);
  });
});
