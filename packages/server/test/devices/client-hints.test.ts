import { describe, expect, it } from 'vitest';
import { describeDevice } from '../../src/devices/index.ts';

const REDUCED_ANDROID =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const CHROME_BRANDS = '"Not/A)Brand";v="8", "Chromium";v="126", "Google Chrome";v="126"';

describe('client hints refine what the User-Agent says', () => {
  it('names the phone from Sec-CH-UA-Model when the UA is reduced to "K"', () => {
    const info = describeDevice({
      'user-agent': REDUCED_ANDROID,
      'sec-ch-ua': CHROME_BRANDS,
      'sec-ch-ua-mobile': '?1',
      'sec-ch-ua-platform': '"Android"',
      'sec-ch-ua-platform-version': '"14.0.0"',
      'sec-ch-ua-model': '"Pixel 8"',
    });
    expect(info).toMatchObject({
      deviceType: 'mobile',
      deviceName: 'Pixel 8',
      browser: 'Chrome 126',
      os: 'Android 14',
    });
  });

  it('turns a Samsung model code from the hint into its marketing name', () => {
    const info = describeDevice({ 'user-agent': REDUCED_ANDROID, 'sec-ch-ua-model': '"SM-S911B"' });
    expect(info.deviceName).toBe('Galaxy S23');
  });

  it('says Windows 11 when the platform version is 13 or more', () => {
    const info = describeDevice({
      'user-agent': WINDOWS_CHROME,
      'sec-ch-ua-platform': '"Windows"',
      'sec-ch-ua-platform-version': '"15.0.0"',
    });
    expect(info).toMatchObject({ deviceName: 'Windows PC', os: 'Windows 11' });
  });

  it('says Windows 10 when the platform version is below 13', () => {
    const info = describeDevice({
      'user-agent': WINDOWS_CHROME,
      'sec-ch-ua-platform': '"Windows"',
      'sec-ch-ua-platform-version': '"10.0.0"',
    });
    expect(info.os).toBe('Windows 10');
  });

  it('gives the real macOS version that the frozen UA hides', () => {
    const info = describeDevice({
      'user-agent': MAC_CHROME,
      'sec-ch-ua-platform': '"macOS"',
      'sec-ch-ua-platform-version': '"14.5.0"',
    });
    expect(info).toMatchObject({ deviceName: 'Mac', os: 'macOS 14' });
  });

  it('recognises a desktop-mode iPad when a hint names it', () => {
    const safariDesktopMode =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
    const info = describeDevice({ 'user-agent': safariDesktopMode, 'sec-ch-ua-model': '"iPad"' });
    expect(info).toMatchObject({ deviceType: 'tablet', deviceName: 'iPad', os: 'iPadOS' });
  });

  it('names the browser from the brand list when the UA only says Chrome', () => {
    const info = describeDevice({
      'user-agent': WINDOWS_CHROME,
      'sec-ch-ua': '"Brave";v="126", "Chromium";v="126", "Not.A/Brand";v="24"',
    });
    expect(info.browser).toBe('Brave 126');
  });

  it('prefers the full version list and reports only its major version', () => {
    const info = describeDevice({
      'user-agent': WINDOWS_CHROME,
      'sec-ch-ua-full-version-list':
        '"Microsoft Edge";v="126.0.2592.68", "Not-A.Brand";v="99.0.0.0", "Chromium";v="126.0.6478.127"',
    });
    expect(info.browser).toBe('Edge 126');
  });

  it('keeps the UA browser when it is more specific than the hints', () => {
    const samsung =
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36';
    expect(describeDevice({ 'user-agent': samsung, 'sec-ch-ua': '"Chromium";v="121"' }).browser).toBe(
      'Samsung Internet 25',
    );
  });

  it('uses Sec-CH-UA-Mobile when the UA does not say', () => {
    const info = describeDevice({
      'user-agent': '',
      'sec-ch-ua-mobile': '?1',
      'sec-ch-ua-platform': '"Android"',
    });
    expect(info).toMatchObject({ deviceType: 'mobile', os: 'Android' });
  });

  it('ignores hostile hint values instead of failing or echoing them', () => {
    const info = describeDevice({
      'user-agent': REDUCED_ANDROID,
      'sec-ch-ua': `"${'"'.repeat(5000)};v=`,
      'sec-ch-ua-mobile': 'maybe',
      'sec-ch-ua-platform-version': '"not-a-version"',
      'sec-ch-ua-model': `"<script>alert(1)</script>${'A'.repeat(5000)}"`,
    });
    expect(info.deviceType).toBe('mobile');
    expect(info.browser).toBe('Chrome 126');
    expect(info.deviceName).not.toContain('<');
    expect(info.deviceName?.length).toBeLessThanOrEqual(64);
  });
});
