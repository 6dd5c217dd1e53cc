import { describe, expect, it } from 'vitest';
import { ACCEPT_CH, describeDevice, deviceKey, MAX_USER_AGENT_LENGTH } from '../../src/devices/index.ts';
import { userAgentCases } from './user-agents.fixtures.ts';

describe('describeDevice from the User-Agent alone', () => {
  it('covers at least 40 real User-Agent strings', () => {
    expect(userAgentCases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(userAgentCases)('$what', ({ ua, expected }) => {
    const info = describeDevice({ 'user-agent': ua });
    expect({
      deviceType: info.deviceType,
      deviceName: info.deviceName,
      browser: info.browser,
      os: info.os,
    }).toEqual(expected);
  });

  it('keeps at most 512 characters of the User-Agent and drops control characters', () => {
    const info = describeDevice({ 'user-agent': `Mozilla/5.0\u0000\r\n${'x'.repeat(10_000)}` });
    expect(MAX_USER_AGENT_LENGTH).toBe(512);
    expect(info.userAgent).toHaveLength(512);
    expect(info.userAgent.startsWith('Mozilla/5.0x')).toBe(true);
  });

  it('stores the User-Agent it was given', () => {
    const ua = userAgentCases[0]!.ua;
    expect(describeDevice({ 'user-agent': ua }).userAgent).toBe(ua);
  });

  it('answers a sane unknown device for missing, repeated and oddly cased headers', () => {
    const unknown = { deviceType: 'desktop', deviceName: null, browser: null, os: null, userAgent: '' };
    expect(describeDevice({})).toEqual(unknown);
    expect(describeDevice({ 'user-agent': undefined })).toEqual(unknown);
    expect(describeDevice({ 'user-agent': [] })).toEqual(unknown);
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    expect(describeDevice({ 'user-agent': [chrome, 'curl/8.4.0'] }).browser).toBe('Chrome 126');
    expect(describeDevice({ 'User-Agent': chrome }).browser).toBe('Chrome 126');
  });

  it('does not mistake a phone called "CUBOT" for a crawler', () => {
    const ua =
      'Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';
    const info = describeDevice({ 'user-agent': ua });
    expect(info.deviceName).not.toBe('Bot');
    expect(info.browser).toBe('Chrome 120');
  });
});

describe('Accept-CH', () => {
  it('asks for every hint describeDevice reads', () => {
    expect(ACCEPT_CH.split(', ')).toEqual([
      'Sec-CH-UA',
      'Sec-CH-UA-Mobile',
      'Sec-CH-UA-Platform',
      'Sec-CH-UA-Platform-Version',
      'Sec-CH-UA-Model',
      'Sec-CH-UA-Full-Version-List',
    ]);
  });
});

describe('deviceKey', () => {
  const key = (ua: string) => deviceKey(describeDevice({ 'user-agent': ua }));

  it('is the same device after a browser or OS update', () => {
    expect(
      key(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      ),
    ).toBe(
      key(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
      ),
    );
  });

  it('is the same device whether or not the Windows version hint arrived', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const hinted = describeDevice({
      'user-agent': ua,
      'sec-ch-ua-platform': '"Windows"',
      'sec-ch-ua-platform-version': '"15.0.0"',
    });
    expect(hinted.os).toBe('Windows 11');
    expect(deviceKey(hinted)).toBe(key(ua));
    expect(key(ua)).toBe('desktop|chrome|windows');
  });

  it('differs for another browser, another OS or another device type', () => {
    const keys = new Set(
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
        'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
        'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      ].map(key),
    );
    expect(keys.size).toBe(5);
  });
});
