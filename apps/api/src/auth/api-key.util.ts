import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens are `brn_` + 32 random bytes (base64url). A random secret of that size needs no salt or
 * slow hash: SHA-256 of it is what we store and look up.
 */
export function newApiToken(): { token: string; prefix: string; hash: string } {
  const token = `brn_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, 12), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
