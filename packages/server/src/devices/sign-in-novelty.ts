import { deviceKey } from './device-key.ts';
import type { DeviceInfo } from './types.ts';

/** How far back "used before" looks. @default 90 */
export const NEW_DEVICE_LOOKBACK_DAYS = 90;

/** One earlier sign-in of the user (a session created within the lookback window). */
export interface PriorSignIn {
  device: Pick<DeviceInfo, 'deviceType' | 'browser' | 'os'>;
  /** ISO 3166-1 alpha-2, or null when it was unknown or the local network. */
  country: string | null;
}

export interface SignInNovelty {
  newDevice: boolean;
  newLocation: boolean;
}

/**
 * Whether this sign-in deserves a `new_device` / `new_location` security event. Call it at login
 * only (not on refresh, so an alert is written once). A user's first sign-in has nothing to compare
 * with and raises nothing; an unknown or local-network location is never "new".
 */
export function assessSignIn(
  current: { device: Pick<DeviceInfo, 'deviceType' | 'browser' | 'os'>; country: string | null },
  prior: readonly PriorSignIn[],
): SignInNovelty {
  if (prior.length === 0) return { newDevice: false, newLocation: false };
  const key = deviceKey(current.device);
  const newDevice = !prior.some((p) => deviceKey(p.device) === key);
  const newLocation = current.country !== null && !prior.some((p) => p.country === current.country);
  return { newDevice, newLocation };
}
