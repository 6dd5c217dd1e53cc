import { describe, expect, it } from 'vitest';
import { assessSignIn, describeDevice, type PriorSignIn } from '../../src/devices/index.ts';

const device = (ua: string) => describeDevice({ 'user-agent': ua });
const macChrome125 = device(
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
);
const macChrome126 = device(
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
);
const iphone = device(
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
);

const history: PriorSignIn[] = [{ device: macChrome125, country: 'NL' }];

describe('assessSignIn', () => {
  it('raises nothing on the very first sign-in', () => {
    expect(assessSignIn({ device: iphone, country: 'US' }, [])).toEqual({
      newDevice: false,
      newLocation: false,
    });
  });

  it('a browser update on a known device from a known country is nothing new', () => {
    expect(assessSignIn({ device: macChrome126, country: 'NL' }, history)).toEqual({
      newDevice: false,
      newLocation: false,
    });
  });

  it('flags a device type, browser and OS the user has not used', () => {
    expect(assessSignIn({ device: iphone, country: 'NL' }, history)).toEqual({
      newDevice: true,
      newLocation: false,
    });
  });

  it('flags a country the user has not signed in from', () => {
    expect(assessSignIn({ device: macChrome126, country: 'BR' }, history)).toEqual({
      newDevice: false,
      newLocation: true,
    });
  });

  it('never calls an unknown or local-network location new', () => {
    expect(assessSignIn({ device: macChrome126, country: null }, history).newLocation).toBe(false);
  });

  it('accepts stored session rows (type, browser, os) as history', () => {
    const row = { deviceType: 'desktop', browser: 'Chrome 120', os: 'macOS' } as const;
    expect(
      assessSignIn({ device: macChrome126, country: 'NL' }, [{ device: row, country: 'NL' }]).newDevice,
    ).toBe(false);
  });
});
