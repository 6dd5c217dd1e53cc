import { describe, expect, it } from 'vitest';
import { ipScope, normalizeIp } from '../../src/devices/index.ts';

describe('normalizeIp', () => {
  it.each([
    ['8.8.8.8', '8.8.8.8'],
    [' 8.8.8.8 ', '8.8.8.8'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:4860:4860:0:0:0:0:8888', '2001:4860:4860::8888'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::', '::'],
    ['fe80::1%eth0', 'fe80::1'],
    ['FE80::ABCD%25en0', 'fe80::abcd'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:8443', '2001:db8::1'],
    ['203.0.113.9:51234', '203.0.113.9'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['::FFFF:192.168.1.10', '192.168.1.10'],
    ['::ffff:0808:0808', '8.8.8.8'],
    ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
    ['[::ffff:8.8.4.4]:443', '8.8.4.4'],
  ])('IPv4-mapped %s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['unknown'],
    ['localhost'],
    ['256.1.1.1'],
    ['1.2.3'],
    ['010.1.1.1'],
    ['1.2.3.4, 5.6.7.8'],
    ['2001:db8::1::2'],
    ['12345::'],
    ['<script>'],
    ['1.2.3.4%eth0'],
    ['[1.2.3.4]x'],
  ])('garbage %j → null', (input) => {
    expect(normalizeIp(input)).toBeNull();
  });

  it('returns null for absurdly long input, null and undefined', () => {
    expect(normalizeIp(`${'1'.repeat(100_000)}.1.1.1`)).toBeNull();
    expect(normalizeIp(`fe80::1%${'x'.repeat(10_000)}`)).toBeNull();
    expect(normalizeIp(null)).toBeNull();
    expect(normalizeIp(undefined)).toBeNull();
  });
});

describe('ipScope', () => {
  it.each([
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.10.20',
    '100.64.0.1',
    '100.127.255.255',
    '::1',
    'fe80::1',
    'febf::1',
    'fc00::1',
    'fd12:3456:789a::1',
  ])('%s is the local network', (ip) => {
    expect(ipScope(ip)).toBe('local');
  });

  it.each([
    '0.0.0.0',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    'ff02::1',
    '2001:db8::1',
  ])('%s is reserved', (ip) => {
    expect(ipScope(ip)).toBe('reserved');
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2001:4860:4860::8888', 'fec0::1'])(
    '%s is public',
    (ip) => {
      expect(ipScope(ip)).toBe('public');
    },
  );
});
