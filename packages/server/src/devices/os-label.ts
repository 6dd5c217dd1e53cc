import { majorVersion } from './browser-label.ts';
import type { ClientHints } from './client-hints.ts';
import type { ParsedAgent } from './user-agent.ts';

/** Chrome 110+ sends "Android 10; K" whatever the real version and model: both are placeholders. */
export function isReducedAndroid(agent: ParsedAgent): boolean {
  return agent.osName === 'Android' && agent.model === 'K';
}

function numbers(version: string | null): number[] {
  return (version ?? '').split(/[._]/).map((part) => Number.parseInt(part, 10));
}

/** "17.4.1" → "17.4", "17" → "17", "8.1.0" → "8.1", "14.0" → "14". */
function majorMinor(version: string | null, keepZeroMinor: boolean): string | null {
  const [major, minor] = numbers(version);
  if (major === undefined || Number.isNaN(major)) return null;
  if (minor === undefined || Number.isNaN(minor) || (minor === 0 && !keepZeroMinor)) return String(major);
  return `${major}.${minor}`;
}

function windows(agent: ParsedAgent, hints: ClientHints): string {
  if (agent.osVersion !== '10') return agent.osVersion === null ? 'Windows' : `Windows ${agent.osVersion}`;
  // NT 10.0 is both Windows 10 and 11; only the platform-version hint tells (13+ is Windows 11).
  const hinted =
    hints.platform === 'Windows' ? Number(majorVersion(hints.platformVersion) ?? Number.NaN) : Number.NaN;
  if (hinted >= 13) return 'Windows 11';
  if (hinted >= 1) return 'Windows 10';
  return 'Windows 10/11';
}

function macos(agent: ParsedAgent, hints: ClientHints): string {
  const hinted = hints.platform === 'macOS' ? hints.platformVersion : null;
  const [major, minor] = numbers(hinted ?? agent.osVersion);
  if (major === undefined || Number.isNaN(major)) return 'macOS';
  if (major >= 11) return `macOS ${major}`;
  // Safari, Chrome and Firefox all freeze the UA at 10.15(.7) on every newer macOS.
  if (minor === undefined || Number.isNaN(minor) || (minor >= 15 && hinted === null)) return 'macOS';
  return `macOS ${major}.${minor}`;
}

function android(agent: ParsedAgent, hints: ClientHints): string {
  const hinted = hints.platform === 'Android' ? hints.platformVersion : null;
  const version = hinted ?? (isReducedAndroid(agent) ? null : agent.osVersion);
  const shown = majorMinor(version, false);
  return shown === null ? 'Android' : `Android ${shown}`;
}

const HINT_PLATFORMS: Record<string, string> = {
  Windows: 'Windows',
  macOS: 'macOS',
  Android: 'Android',
  'Chrome OS': 'ChromeOS',
  ChromeOS: 'ChromeOS',
  Linux: 'Linux',
  iOS: 'iOS',
};

/** "iOS 17.4", "macOS 14", "Windows 10/11", "Android 14", "ChromeOS", "Linux". */
export function osLabel(agent: ParsedAgent, hints: ClientHints, isIpad: boolean): string | null {
  switch (agent.osName) {
    case 'Windows':
      return windows(agent, hints);
    case 'Mac OS': {
      if (isIpad) return 'iPadOS';
      return macos(agent, hints);
    }
    case 'iOS': {
      const version = majorMinor(agent.osVersion, false);
      const name = isIpad ? 'iPadOS' : 'iOS';
      return version === null ? name : `${name} ${version}`;
    }
    case 'Android':
      return android(agent, hints);
    case 'Chromium OS':
    case 'Chrome OS':
      // CrOS platform build numbers (14541.0.0) mean nothing to people; the browser carries the version.
      return 'ChromeOS';
    case null:
      return hints.platform === null ? null : (HINT_PLATFORMS[hints.platform] ?? null);
    default: {
      const major = majorVersion(agent.osVersion);
      return major === null ? agent.osName : `${agent.osName} ${major}`;
    }
  }
}
