import type { ClientHints } from './client-hints.ts';
import { friendlyModelName, sanitizeModel } from './model-names.ts';
import { isReducedAndroid } from './os-label.ts';
import type { DeviceType } from './types.ts';
import type { ParsedAgent } from './user-agent.ts';

const LINUX_DISTROS =
  /^(Linux|Ubuntu|Debian|Fedora|Arch|Mint|Gentoo|SUSE|openSUSE|Mandriva|Slackware|CentOS|RedHat|Kubuntu|Xubuntu|Manjaro)$/i;

/**
 * A Mac User-Agent may be an iPad in desktop mode: Safari sends no client hints, so the server
 * cannot tell and calls it a Mac. Only a hint (a model or platform naming the iPad) overrides.
 */
export function isIpad(agent: ParsedAgent, hints: ClientHints): boolean {
  if (agent.model === 'iPad') return true;
  if (agent.osName !== 'Mac OS') return false;
  return /ipad/i.test(hints.model ?? '') || hints.platform === 'iOS' || hints.platform === 'iPadOS';
}

export function deviceTypeOf(agent: ParsedAgent, hints: ClientHints, ipad: boolean): DeviceType {
  if (agent.bot !== null) return 'desktop';
  if (ipad || agent.type === 'tablet') return 'tablet';
  if (agent.type === 'mobile' || agent.type === 'wearable') return 'mobile';
  if (hints.mobile === true) return 'mobile';
  return 'desktop';
}

function androidName(agent: ParsedAgent, hints: ClientHints, type: DeviceType): string {
  // The hint carries the real model even when the UA is reduced to "K".
  const model = sanitizeModel(hints.model) ?? (isReducedAndroid(agent) ? null : sanitizeModel(agent.model));
  if (model !== null) return friendlyModelName(model, agent.vendor);
  return type === 'tablet' ? 'Android tablet' : 'Android phone';
}

/** "iPhone", "iPad", "Mac", "Pixel 8", "Windows PC", "Linux PC", "Chromebook" — or null. */
export function deviceNameOf(
  agent: ParsedAgent,
  hints: ClientHints,
  type: DeviceType,
  ipad: boolean,
): string | null {
  if (agent.bot !== null) return 'Bot';
  if (ipad) return 'iPad';
  if (agent.model === 'iPhone') return 'iPhone';
  if (agent.model === 'iPod touch' || agent.model === 'iPod') return 'iPod touch';
  switch (agent.osName) {
    case 'Mac OS':
      return 'Mac';
    case 'Windows':
      return type === 'desktop' ? 'Windows PC' : null;
    case 'Chromium OS':
    case 'Chrome OS':
      return 'Chromebook';
    case 'Android':
      return androidName(agent, hints, type);
    case null:
      break;
    default:
      if (LINUX_DISTROS.test(agent.osName) && type === 'desktop') return 'Linux PC';
  }
  const model = sanitizeModel(hints.model);
  return model === null ? null : friendlyModelName(model, agent.vendor);
}
