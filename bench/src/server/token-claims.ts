/**
 * The user and session a bench access token names, read without verifying it: the anchors are
 * floors for the database work, and the bench minted every token they see.
 */
export function claimsOf(authorization: string | undefined): { userId: string; sessionId: string } | null {
  const payload = authorization?.split('.')[1];
  if (!payload) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    sub?: string;
    sid?: string;
  };
  return claims.sub && claims.sid ? { userId: claims.sub, sessionId: claims.sid } : null;
}
