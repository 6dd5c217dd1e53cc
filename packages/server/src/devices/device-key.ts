import type { DeviceInfo } from './types.ts';

/** "Chrome 126" → "chrome", "Windows 10/11" → "windows", "iOS 17.4" → "ios". */
function family(label: string | null): string {
  if (label === null) return 'unknown';
  return label.replace(/\s+\d[\d./]*$/, '').toLowerCase();
}

/**
 * Stable key for "has this user used this device before": type + browser family + OS family.
 * Versions are left out so that a browser or OS update is not a new device. Takes only the three
 * fields, so a stored `user_sessions` row (device_type, browser, os) gives the same key.
 */
export function deviceKey(info: Pick<DeviceInfo, 'deviceType' | 'browser' | 'os'>): string {
  return `${info.deviceType}|${family(info.browser)}|${family(info.os)}`;
}
