import { browserLabel } from './browser-label.ts';
import { CLIENT_HINT_HEADERS, type RequestHeaders, readClientHints, readHeader } from './client-hints.ts';
import { deviceNameOf, deviceTypeOf, isIpad } from './device-name.ts';
import { osLabel } from './os-label.ts';
import { type DeviceInfo, MAX_USER_AGENT_LENGTH } from './types.ts';
import { parseUserAgent } from './user-agent.ts';

/**
 * Value for the `Accept-CH` response header. Browsers that support User-Agent Client Hints send the
 * high-entropy ones (model, platform version, full version list) on later requests to this origin,
 * so the first sign-in may be coarser and the next refresh refines it.
 */
export const ACCEPT_CH: string = CLIENT_HINT_HEADERS.join(', ');

const EMPTY: Omit<DeviceInfo, 'userAgent'> = {
  deviceType: 'desktop',
  deviceName: null,
  browser: null,
  os: null,
};

/** Device, browser and OS from the User-Agent refined by client hints. Never throws. */
export function describeDevice(headers: RequestHeaders): DeviceInfo {
  // Cap before parsing: the parser's regexes never see more than a real browser would send.
  // Control characters are dropped so the stored value is safe to log and display.
  const userAgent = readHeader(headers, 'User-Agent')
    .replace(/\p{Cc}/gu, '')
    .slice(0, MAX_USER_AGENT_LENGTH);
  try {
    const agent = parseUserAgent(userAgent);
    const hints = readClientHints(headers);
    const ipad = isIpad(agent, hints);
    const deviceType = deviceTypeOf(agent, hints, ipad);
    return {
      deviceType,
      deviceName: deviceNameOf(agent, hints, deviceType, ipad),
      browser: browserLabel(agent, hints.brands),
      os: agent.bot !== null ? null : osLabel(agent, hints, ipad),
      userAgent,
    };
  } catch {
    // A parser bug must never fail a sign-in; an unknown device is an honest answer.
    return { ...EMPTY, userAgent };
  }
}
