/**
 * Only same-app paths may be returned to after signing in: "/settings/security" yes,
 * "//evil.example" or "https://evil.example" no (open redirect).
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/login') || value.startsWith('/register')) return '/';
  return value;
}

export function loginPath(options: { returnTo?: string; expired?: boolean } = {}): string {
  const params = new URLSearchParams();
  if (options.expired) params.set('expired', '1');
  if (options.returnTo && options.returnTo !== '/') params.set('returnTo', options.returnTo);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}
