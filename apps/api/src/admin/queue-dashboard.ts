import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Queue } from 'bullmq';
import express, { Express, NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { checkAdmin, clearAdminCookie, setAdminCookie } from './admin-session';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const LOGIN_PATH = '/admin/login';
/** Login attempts per client address and minute: the form is outside the api's rate-limit guard. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The login form: the key is posted once and kept in an HttpOnly cookie scoped to /admin. */
function loginPage(message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Queue dashboard · log in</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#1d2330}
label{display:block;margin:.8rem 0 .3rem}input{width:100%;padding:.4rem;font:inherit}button{margin-top:.8rem;padding:.4rem .9rem;font:inherit}
.error{background:#fbe4e2;color:#b3261e;padding:.5rem .7rem;border-radius:4px}</style></head>
<body><h1>Queue dashboard</h1>
<p>The queue dashboard is for admins. Enter an admin API key (e.g. from <code>npm run keys -- create --name me --role admin</code>).
It is kept in an HttpOnly cookie for /admin only, for 12 hours or until you log out.</p>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="${LOGIN_PATH}">
<label for="key">Admin API key</label>
<input id="key" name="key" type="password" autocomplete="off" required maxlength="200">
<button type="submit">Log in</button>
</form>
<p><a href="/console">Back to the console</a></p></body></html>`;
}

const wantsHtml = (req: Request) => (req.headers.accept ?? '').includes('text/html');

/**
 * bull-board over every queue of libs/queue at /admin/queues, admin only: a bearer admin key or
 * the login form's cookie; 401 without credentials, 403 for a key below admin. The cookie works
 * only under /admin (Path=/admin, SameSite=Strict) and the api routes never read it, so it adds no
 * cross-site request surface to /api.
 */
export function mountQueueDashboard(app: Express, auth: AuthService, queues: Queue[], limits: ThrottlerStorage): void {
  // bull-board (with lodash, valibot and ejs) is loaded by the first admin request for the board,
  // not before the api listens: most starts never serve it. Its express app is then mounted on
  // `holder`, an app mounted here now, so it inherits the api's settings as a direct mount would.
  const holder = express();
  let board: Promise<void> | undefined;
  const loadBoard = async (): Promise<void> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'BRAiN queues' } },
    });
    holder.use(serverAdapter.getRouter() as Express);
  };
  holder.use((_req: Request, _res: Response, next: NextFunction) => {
    (board ??= loadBoard()).then(
      () => next(),
      (e: unknown) => {
        board = undefined; // tried again on the next request
        next(e);
      },
    );
  });

  app.get(LOGIN_PATH, (_req: Request, res: Response) => {
    res.type('html').send(loginPage());
  });
  app.post(LOGIN_PATH, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }), async (req: Request, res: Response, next: NextFunction) => {
    try {
      // the api's shared rate-limit store (Redis, or PostgreSQL), so every api process counts together
      const hits = await limits.increment(`admin-login:${req.ip}`, 60_000, LOGIN_ATTEMPTS_PER_MINUTE, 60_000, 'admin-login');
      if (hits.isBlocked) {
        res.setHeader('Retry-After', String(Math.max(1, hits.timeToBlockExpire)));
        return res.status(429).type('html').send(loginPage(`too many login attempts: try again in ${Math.max(1, hits.timeToBlockExpire)} s`));
      }
      const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
      if (!key) return res.status(400).type('html').send(loginPage('key is required'));
      const check = await checkAdmin(auth, { headers: { authorization: `Bearer ${key}` } } as Request);
      if (!check.ok) return res.status(check.status).type('html').send(loginPage(check.message));
      setAdminCookie(req, res, key);
      res.redirect(303, QUEUE_DASHBOARD_PATH);
    } catch (e) {
      next(e);
    }
  });
  const logout = (req: Request, res: Response) => {
    clearAdminCookie(req, res);
    res.redirect(303, LOGIN_PATH);
  };
  app.post('/admin/logout', logout);
  app.get('/admin/logout', logout);

  app.use(QUEUE_DASHBOARD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const check = await checkAdmin(auth, req);
      if (check.ok) return next();
      if (check.fromCookie && check.status === 401) clearAdminCookie(req, res);
      if (wantsHtml(req)) return res.status(check.status).type('html').send(loginPage(check.message));
      res.status(check.status).json({ statusCode: check.status, code: check.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message: check.message });
    } catch (e) {
      next(e);
    }
  });
  app.use(QUEUE_DASHBOARD_PATH, holder);
}
