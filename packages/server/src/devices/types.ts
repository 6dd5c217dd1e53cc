export type { DeviceType } from '@tenure/protocol';

import type { DeviceType } from '@tenure/protocol';

/** What a person would recognise about the device behind a request. */
export interface DeviceInfo {
  deviceType: DeviceType;
  /** "iPhone", "Pixel 8", "Mac", "Windows PC", … or null when nothing honest can be said. */
  deviceName: string | null;
  /** Browser with its major version: "Chrome 126", "Safari 17". */
  browser: string | null;
  /** OS with its version as far as the client tells it: "iOS 17.4", "macOS", "Windows 10/11". */
  os: string | null;
  /** The raw User-Agent, capped at {@link MAX_USER_AGENT_LENGTH} characters. */
  userAgent: string;
}

export interface Location {
  /** "City, Country", "Country", or "Local network". */
  label: string;
  /** ISO 3166-1 alpha-2; null for the local network. */
  country: string | null;
}

export interface Geolocator {
  /** Resolves to null for unknown, reserved or missing addresses; never rejects. */
  locate(ip: string | null): Promise<Location | null>;
  close?(): Promise<void>;
}

/** @default 512 */
export const MAX_USER_AGENT_LENGTH = 512;
