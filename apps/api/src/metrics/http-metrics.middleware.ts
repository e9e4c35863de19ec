import type { NextFunction, Request, Response } from 'express';
import { UNMATCHED_ROUTE } from './metrics.registry';

/**
 * The route pattern that answered (`/api/clusters/:id`), never the raw path: ids in paths would
 * make a new series per cluster or task. Requests no route matched share one label. Nest mounts
 * module middleware (ours, the request logger's) on wildcard routes such as `{/*splat}`, which
 * leave their route on the request when no controller route follows; no controller route of ours
 * has a wildcard, so one means "unmatched".
 */
export function routeLabel(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const path: unknown = req.route?.path;
  if (typeof path !== 'string' || path.includes('*')) return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${path}` || '/';
}

interface HttpMetrics {
  httpRequests: { inc(labels: Record<string, string>): void };
  httpDuration: { observe(labels: Record<string, string>, seconds: number): void };
}

/**
 * Counts and times every request when its response has been sent. A middleware rather than an
 * interceptor: guards run before interceptors, so requests refused by the rate limiter or auth
 * (429, 401, 403) would not be counted, nor 404s.
 */
export function httpMetricsMiddleware(metrics: HttpMetrics) {
  return function httpMetrics(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
