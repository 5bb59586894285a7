import { isIP } from 'node:net';
import { envField, type EnvField } from '@gha-ephemeral/config';
import { z } from 'zod';

/** What Fastify's `trustProxy` takes: off, on for any hop, a hop count, or the addresses/CIDRs of the proxies. */
export type TrustProxy = boolean | number | string[];

/** `CORS_ORIGINS`: `*` (any origin, for development) or the exact origins allowed (empty: none). */
export type CorsOrigins = '*' | string[];

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };
const DURATION = /^(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hours?)?$/i;

/**
 * A duration in whole seconds: `60`, `60s`, `2m`, `1 minute`, `1h`. A bare number is seconds, as in the other
 * `*_INTERVAL` variables; the units are accepted because a window reads naturally as "1 minute".
 */
export function envSeconds(options: { default: number; min: number; max: number }): EnvField<number> {
  const expected = `expected a number of seconds (${options.min}-${options.max}), optionally with a unit: 60, 60s, 5m, 1h`;
  return envField((raw) => {
    if (raw === undefined) return { value: options.default };
    const match = DURATION.exec(raw.trim());
    if (!match?.[1]) return { expected };
    const unit = (match[2] ?? 's').charAt(0).toLowerCase();
    const seconds = Number(match[1]) * (UNITS[unit] ?? 1);
    return Number.isSafeInteger(seconds) && seconds >= options.min && seconds <= options.max
      ? { value: seconds }
      : { expected };
  });
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(item: string): boolean {
  if (PROXY_KEYWORDS.has(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY`: `false` (default; the client is the TCP peer), `true` (trust every `X-Forwarded-For` hop — only
 * when nothing but the proxy can reach the gateway), a hop count, or a comma list of proxy addresses/CIDRs
 * (and proxy-addr's `loopback`, `linklocal`, `uniquelocal`).
 */
export function envTrustProxy(): EnvField<TrustProxy> {
  const expected =
    'expected false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,loopback)';
  return envField<TrustProxy>((raw) => {
    if (raw === undefined) return { value: false };
    const word = raw.trim().toLowerCase();
    if (['false', 'no', 'off'].includes(word)) return { value: false };
    if (['true', 'yes', 'on'].includes(word)) return { value: true };
    if (/^\d+$/.test(word)) {
      const hops = Number(word);
      return hops <= 32 ? { value: hops === 0 ? false : hops } : { expected };
    }
    const items = word
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.length > 0 && items.every(isAddressOrCidr) ? { value: items } : { expected };
  });
}

function isOrigin(item: string): boolean {
  try {
    const url = new URL(item);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item;
  } catch {
    return false;
  }
}

/**
 * `CORS_ORIGINS`: unset means no cross-origin browser access; `*` allows any origin (development); else a comma
 * list of exact origins (`https://ops.example.com,http://localhost:3000`: scheme, host and port, no path).
 */
export function envCorsOrigins(): EnvField<CorsOrigins> {
  return envField<CorsOrigins>((raw) => {
    if (raw === undefined) return { value: [] };
    const items = raw
      .split(',')
      .map((item) => item.trim().replace(/\/+$/, ''))
      .filter((item) => item !== '');
    if (items.length === 1 && items[0] === '*') return { value: '*' };
    const bad = items.flatMap((item, index) => (isOrigin(item) ? [] : [index + 1]));
    if (bad.length === 0) return { value: items };
    return {
      expected: `expected * or a comma-separated list of origins like https://ops.example.com (scheme://host[:port], no path); item(s) ${bad.join(', ')} are not`,
    };
  });
}

/** Shortest API key accepted: a guessable key on the one public port would undo the rest of the gateway. */
export const MIN_API_KEY_LENGTH = 16;

/** One `GATEWAY_API_KEYS` item; its messages never echo the key. */
export const ApiKey = z
  .string()
  .min(
    MIN_API_KEY_LENGTH,
    `an API key needs at least ${MIN_API_KEY_LENGTH} characters (try: openssl rand -hex 32)`,
  )
  .regex(/^[\x21-\x7e]+$/, 'an API key is printable ASCII without spaces or commas');
