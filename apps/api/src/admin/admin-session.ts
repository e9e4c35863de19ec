import type { Request, Response } from 'express';
import { ROLE_RANK, UserRole } from '#db';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/auth.decorators';

/** The cookie the login form sets: scoped to /admin, so it never authenticates an /api request. */
export const ADMIN_COOKIE = 'brain_admin';
const MAX_AGE_SECONDS = 12 * 3600;

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function setAdminCookie(req: Request, res: Response, token: string): void {
  res.cookie(ADMIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/admin', maxAge: MAX_AGE_SECONDS * 1000, secure: req.secure });
}

export function clearAdminCookie(req: Request, res: Response): void {
  res.clearCookie(ADMIN_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/admin', secure: req.secure });
}

export type AdminCheck =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; message: string; fromCookie: boolean };

/**
 * Who may open /admin/*: a bearer admin key, or the cookie of the login form. The key is checked
 * through the AuthService on every request, so a revoked key stops working at once.
 */
export async function checkAdmin(auth: AuthService, req: Request): Promise<AdminCheck> {
  const header = req.headers.authorization;
  let token: string | undefined;
  let fromCookie = false;
  if (header) {
    token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return { ok: false, status: 401, message: 'Authorization header must be "Bearer <token>"', fromCookie };
  } else {
    token = readCookie(req, ADMIN_COOKIE);
    fromCookie = token !== undefined;
  }
  if (!token) return { ok: false, status: 401, message: 'authentication required: log in with an admin key or send "Authorization: Bearer <token>"', fromCookie };
  const principal = await auth.authenticate(token);
  if (!principal) return { ok: false, status: 401, message: 'invalid or revoked API key', fromCookie };
  if (ROLE_RANK[principal.role] < ROLE_RANK[UserRole.Admin]) {
    return { ok: false, status: 403, message: `the queue dashboard needs the admin role; your key has ${principal.role}`, fromCookie };
  }
  return { ok: true, principal };
}
