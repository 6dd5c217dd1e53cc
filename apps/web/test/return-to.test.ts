import { describe, expect, it } from 'vitest';
import { loginPath, safeReturnTo } from '../src/return-to.ts';

describe('returnTo after signing in', () => {
  it('keeps same-app paths with their query and hash', () => {
    expect(safeReturnTo('/settings/security?tab=1#devices')).toBe('/settings/security?tab=1#devices');
  });

  it('takes a full URL on this origin as its path, query and hash', () => {
    expect(safeReturnTo(`${window.location.origin}/settings/security?tab=1#devices`)).toBe(
      '/settings/security?tab=1#devices',
    );
  });

  it('refuses other origins and protocol-relative URLs (open redirect)', () => {
    for (const value of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(document.domain)//',
      'http://localhost:3001/settings/security',
      'https:evil.example',
      '',
    ]) {
      expect(safeReturnTo(value)).toBe('/');
    }
    expect(safeReturnTo(null)).toBe('/');
  });

  it('never returns to the login or register page', () => {
    expect(safeReturnTo('/login?expired=1')).toBe('/');
    expect(safeReturnTo('/register')).toBe('/');
  });

  it('builds the modal’s login link with the expired flag and the page to return to', () => {
    expect(loginPath({ expired: true, returnTo: '/settings/security' })).toBe(
      '/login?expired=1&returnTo=%2Fsettings%2Fsecurity',
    );
    expect(loginPath()).toBe('/login');
  });
});
