import type { DeviceSession } from '@tenure/client';

/** "Chrome 120 on macOS 14". */
export function browserOnOs(session: DeviceSession): string {
  return `${session.browser ?? 'Unknown browser'} on ${session.os ?? 'unknown OS'}`;
}

export function deviceName(session: DeviceSession): string {
  return session.deviceName ?? deviceTypeLabel[session.deviceType];
}

/** Names the device in buttons and confirmations: "Chrome 120 on macOS 14 (Mac)". */
export function describeSession(session: DeviceSession): string {
  return `${browserOnOs(session)} (${deviceName(session)})`;
}

const deviceTypeLabel: Record<DeviceSession['deviceType'], string> = {
  desktop: 'Desktop',
  mobile: 'Mobile device',
  tablet: 'Tablet',
};
