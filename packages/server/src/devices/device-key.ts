import type { DeviceInfo } from './types.ts';

/** "Chrome 126" → "chrome", "Windows 10/11" → "windows", "iOS 17.4" → "ios". */
function family(label: string | null): string {
  if (label === null) return 'unknown';
  return label.replace(/\s+\d[\d./]*$/, '').toLowerCase();
}

/**
 * Stable key for "has this user used this device before": type + browser family + OS family.
 * Versions are left out so that a browser or OS update is not a new device.
 */
export function deviceKey(info: DeviceInfo): string {
  return `${info.deviceType}|${family(info.browser)}|${family(info.os)}`;
}
