import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '#common';

/**
 * Deepest nesting of objects and arrays a JSON body may have. No request of ours needs more than a
 * handful of levels; class-transformer copies bodies recursively and overflows the stack somewhere
 * past a thousand levels, which a 3 KB body reaches.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * True when `value` holds objects or arrays nested more than `max` levels deep (the value itself
 * is level 1). Walks with its own stack and returns at the first container past the limit, so no
 * input can overflow the call stack, and a cycle cannot loop forever.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ node: object; depth: number }> = [];
  if (value !== null && typeof value === 'object') pending.push({ node: value, depth: 1 });
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (item.depth > max) return true;
    for (const child of Object.values(item.node)) {
      if (child !== null && typeof child === 'object') pending.push({ node: child as object, depth: item.depth + 1 });
    }
  }
  return false;
}

/** Refuses a parsed JSON body that is nested too deep, before it reaches transformation and validation. */
export function bodyDepthLimit(max = MAX_BODY_DEPTH) {
  return function bodyDepthLimit(req: Request, _res: Response, next: NextFunction): void {
    if (!nestedDeeperThan(req.body, max)) return next();
    const message = `request body is nested deeper than ${max} levels (objects and arrays)`;
    next(new BadRequestException({ code: ErrorCode.ValidationFailed, message, details: { problems: [{ path: 'body', rule: 'maxDepth', message }] } }));
  };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Every request body of ours is a JSON object. An array would reach validation as an object with
 * keys "0", "1", ... and be answered with a puzzling "property 0 should not exist"; say what is wrong.
 */
export function requireObjectBody(req: Request, _res: Response, next: NextFunction): void {
  if (!WRITES.has(req.method) || !Array.isArray(req.body)) return next();
  const message = 'request body must be a JSON object, not an array';
  next(new BadRequestException({ code: ErrorCode.ValidationFailed, message, details: { problems: [{ path: 'body', rule: 'isObject', message }] } }));
}

/** Whether the request carries body bytes: a positive Content-Length, or a chunked body. */
function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/**
 * Only JSON is parsed. A write with a body of any other type (`curl -d` sends a form) would reach
 * validation empty or as one odd form field and be answered with a puzzling "property ... should
 * not exist"; say what is wrong instead. Writes without a body (hibernate, cancel) need no header.
 */
export function requireJsonContentType(req: Request, _res: Response, next: NextFunction): void {
  if (!WRITES.has(req.method) || !carriesBody(req) || req.is('application/json')) return next();
  const given = req.headers['content-type']?.slice(0, 100);
  const message = `Content-Type: application/json is required for a request body (got ${given ? `"${given}"` : 'no Content-Type header'})`;
  next(new HttpException({ code: 'UNSUPPORTED_MEDIA_TYPE', message }, HttpStatus.UNSUPPORTED_MEDIA_TYPE));
}
