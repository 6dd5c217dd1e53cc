export type { RequestHeaders } from './client-hints.ts';
export { ACCEPT_CH, describeDevice } from './describe-device.ts';
export { deviceKey } from './device-key.ts';
export { createGeolocator, type GeolocatorOptions } from './geolocation/create-geolocator.ts';
export { createOfflineGeolocator, type OfflineGeolocator } from './geolocation/offline.ts';
export { normalizeIp } from './ip.ts';
export { type IpScope, ipScope } from './ip-ranges.ts';
export type { DeviceInfo, DeviceType, Geolocator, Location } from './types.ts';
export { MAX_USER_AGENT_LENGTH } from './types.ts';
