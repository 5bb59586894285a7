import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBool, envInt, envPort, envSecret, envString, envUrl } from './fields.js';
import { envCsv, envEnum } from './list-fields.js';
import type { EnvField } from './env-field.js';

function parse<T>(field: EnvField<T>, raw: string | undefined): T {
  return field.parse(raw);
}

function problem(field: EnvField<unknown>, raw: string | undefined): string | undefined {
  const result = field.safeParse(raw);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join(' | ');
}

describe('envString', () => {
  it('trims, defaults, and is optional unless required', () => {
    expect(parse(envString(), '  hello world ')).toBe('hello world');
    expect(parse(envString(), undefined)).toBeUndefined();
    expect(parse(envString(), '   ')).toBeUndefined();
    expect(parse(envString({ default: 'latest' }), undefined)).toBe('latest');
    expect(parse(envString({ default: 'latest' }), '')).toBe('latest');
    expect(parse(envString({ required: true }), 'x')).toBe('x');
    expect(problem(envString({ required: true }), undefined)).toBe('expected a non-empty value');
  });
});

describe('envSecret', () => {
  it('is optional and non-empty when set', () => {
    expect(parse(envSecret(), undefined)).toBeUndefined();
    expect(parse(envSecret(), '')).toBeUndefined();
    expect(parse(envSecret(), ' ghp_abc \n')).toBe('ghp_abc');
  });
});

describe('envBool', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['Yes', true],
    ['on', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['NO', false],
    [' off ', false],
  ])('reads %j as %s', (raw, expected) => {
    expect(parse(envBool(!expected), raw)).toBe(expected);
  });

  it('defaults when unset and lists the accepted words otherwise', () => {
    expect(parse(envBool(true), undefined)).toBe(true);
    expect(parse(envBool(false), '')).toBe(false);
    expect(problem(envBool(false), 'maybe')).toBe('expected true/false, 1/0, yes/no or on/off (any case)');
  });
});

describe('envInt', () => {
  const interval = envInt({ default: 300, min: 10, unit: 'seconds' });

  it('reads whole numbers and defaults', () => {
    expect(parse(interval, undefined)).toBe(300);
    expect(parse(interval, ' 60 ')).toBe(60);
    expect(parse(interval, '10')).toBe(10);
    expect(parse(envInt(), undefined)).toBeUndefined();
    expect(parse(envInt(), '-5')).toBe(-5);
  });

  it.each(['abc', '12.5', '1e3', '0x10', '9', '99999999999999999999'])('refuses %j', (raw) => {
    expect(problem(interval, raw)).toBe('expected a whole number of seconds (>= 10)');
  });

  it('describes the range', () => {
    expect(problem(envInt({ default: 5, min: 1, max: 100 }), '0')).toBe('expected a whole number (1-100)');
    expect(problem(envInt({ default: 5, max: 100 }), '101')).toBe('expected a whole number (<= 100)');
    expect(problem(envInt({ default: 5 }), 'x')).toBe('expected a whole number');
  });
});

describe('envPort', () => {
  it('reads 1-65535', () => {
    expect(parse(envPort(8080), undefined)).toBe(8080);
    expect(parse(envPort(8080), '65535')).toBe(65535);
    expect(problem(envPort(8080), '0')).toBe('expected a TCP port number (1-65535)');
    expect(problem(envPort(8080), '65536')).toBe('expected a TCP port number (1-65535)');
    expect(problem(envPort(8080), 'http')).toBe('expected a TCP port number (1-65535)');
  });
});

describe('envUrl', () => {
  it('keeps http(s) URLs without a trailing slash', () => {
    expect(parse(envUrl('https://api.github.com'), undefined)).toBe('https://api.github.com');
    expect(parse(envUrl(), undefined)).toBeUndefined();
    expect(parse(envUrl(), 'http://orchestrator:8000')).toBe('http://orchestrator:8000');
    expect(parse(envUrl(), 'http://orchestrator:8000/')).toBe('http://orchestrator:8000');
    expect(parse(envUrl(), 'https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com/api/v3');
    expect(parse(envUrl(), 'HTTPS://Example.COM//')).toBe('https://example.com');
  });

  it.each(['ftp://example.com', 'example.com', '/api', 'http//x'])('refuses %j', (raw) => {
    expect(problem(envUrl(), raw)).toBe('expected an absolute http:// or https:// URL');
  });
});

describe('envCsv', () => {
  it('trims items and drops empty ones', () => {
    expect(parse(envCsv(), ' a, b ,,c, ')).toEqual(['a', 'b', 'c']);
    expect(parse(envCsv(), 'one\ntwo\r\n')).toEqual(['one', 'two']);
    expect(parse(envCsv(), undefined)).toEqual([]);
    expect(parse(envCsv({ default: ['*'] }), '')).toEqual(['*']);
  });

  it('validates items by position without echoing them', () => {
    const ports = envCsv({ item: z.coerce.number().int().positive() });
    expect(parse(ports, '1, 2')).toEqual([1, 2]);
    const message = problem(ports, '1,secret-ish,-3');
    expect(message).toMatch(/^expected a comma-separated list \(item 2: .+; item 3: .+\)$/);
    expect(message).not.toContain('secret-ish');
  });
});

describe('envEnum', () => {
  const mode = envEnum(['all', 'organization'], 'all');

  it('matches in any case and gives the canonical spelling', () => {
    expect(parse(mode, undefined)).toBe('all');
    expect(parse(mode, 'ORGANIZATION')).toBe('organization');
    expect(parse(mode, ' Organization ')).toBe('organization');
    expect(problem(mode, 'repo')).toBe('expected one of all, organization (any case)');
  });

  it('accepts aliases', () => {
    const level = envEnum(['DEBUG', 'INFO', 'WARNING'], 'INFO', { aliases: { WARN: 'WARNING' } });
    expect(parse(level, 'warn')).toBe('WARNING');
    expect(parse(level, 'debug')).toBe('DEBUG');
    expect(problem(level, 'trace')).toBe('expected one of DEBUG, INFO, WARNING (any case; also WARN)');
  });
});
