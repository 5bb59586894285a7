import { describe, expect, it } from 'vitest';
import { addressBucket } from './address-bucket.js';

describe('addressBucket', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(addressBucket('192.0.2.7')).toBe('192.0.2.7');
    expect(addressBucket('127.0.0.1')).toBe('127.0.0.1');
  });

  it('keys IPv4-mapped IPv6 addresses (a dual-stack socket) as IPv4', () => {
    expect(addressBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressBucket('::FFFF:c000:0207')).toBe('192.0.2.7');
    expect(addressBucket('0:0:0:0:0:ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('puts every address of one IPv6 /64 in one bucket, however it is written', () => {
    const bucket = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:a::',
      '2001:db8:1:2::192.0.2.1',
      '2001:db8:1:2::1%eth0',
    ]) {
      expect(addressBucket(address), address).toBe(bucket);
    }
  });

  it('gives different /64s different buckets', () => {
    expect(addressBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1')).not.toBe(addressBucket('2001:db8::1'));
  });

  it('leaves something that is not an address alone', () => {
    expect(addressBucket('unknown')).toBe('unknown');
  });
});
