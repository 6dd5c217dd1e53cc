/**
 * Where to go after signing in. The value is resolved as the browser would resolve a link on
 * this page, and used only when it stays on this origin: "/settings/security?tab=1" yes;
 * "//evil.example", "https://evil.example" or "javascript:…" no (open redirect), nor back to
 * the login or register page. Anything refused leads to "/".
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value) return '/';
  let target: URL;
  try {
    target = new URL(value, window.location.origin);
  } catch {
    return '/';
  }
  if (target.origin !== window.location.origin) return '/';
  if (/^\/(login|register)(\/|$)/.test(target.pathname)) return '/';
  return `${target.pathname}${target.search}${target.hash}`;
}

export function loginPath(options: { returnTo?: string; expired?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (options.expired) params.set('expired', '1');
  if (options.returnTo && options.returnTo !== '/') params.set('returnTo', options.returnTo);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
