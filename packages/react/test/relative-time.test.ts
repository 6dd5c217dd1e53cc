import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDuration, formatExactTime, formatRelativeTime } from '../src/index.ts';

const now = Date.parse('2025-06-15T12:00:00.000Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('formatRelativeTime', () => {
  it('reads "Just now" under a minute', () => {
    expect(formatRelativeTime(ago(0), now, 'en-US')).toBe('Just now');
    expect(formatRelativeTime(ago(59), now, 'en-US')).toBe('Just now');
  });

  it('uses the largest whole unit past a minute', () => {
    expect(formatRelativeTime(ago(60), now, 'en-US')).toBe('1 minute ago');
    expect(formatRelativeTime(ago(45 * 60), now, 'en-US')).toBe('45 minutes ago');
    expect(formatRelativeTime(ago(2 * 3600 + 300), now, 'en-US')).toBe('2 hours ago');
    expect(formatRelativeTime(ago(26 * 3600), now, 'en-US')).toBe('yesterday');
    expect(formatRelativeTime(ago(3 * 86400), now, 'en-US')).toBe('3 days ago');
    expect(formatRelativeTime(ago(15 * 86400), now, 'en-US')).toBe('2 weeks ago');
  });

  it('follows the locale', () => {
    expect(formatRelativeTime(ago(2 * 3600), now, 'de-DE')).toBe('vor 2 Stunden');
  });

  it('treats a slightly future time (clock skew) as "Just now"', () => {
    expect(formatRelativeTime(new Date(now + 90_000).toISOString(), now, 'en-US')).toBe('Just now');
  });
});

describe('formatExactTime', () => {
  it('gives the full date and time for the hover title', () => {
    expect(formatExactTime('2025-06-15T12:00:00.000Z', 'en-US')).toMatch(/Jun 15, 2025/);
  });
});

describe('durations', () => {
  it('counts down as m:ss', () => {
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(59)).toBe('0:59');
    expect(formatCountdown(58.2)).toBe('0:59');
    expect(formatCountdown(-1)).toBe('0:00');
  });

  it('names idle timeouts in minutes or seconds', () => {
    expect(formatDuration(900)).toBe('15 minutes');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(3)).toBe('3 seconds');
  });
});
