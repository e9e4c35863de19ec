import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from '#common';
import { requestId } from './request-id';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.Unprocessable]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.EthicsBlocked]: HttpStatus.FORBIDDEN,
  [ErrorCode.BudgetExceeded]: HttpStatus.PAYMENT_REQUIRED,
  [ErrorCode.DependencyUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.DependencyTimeout]: HttpStatus.GATEWAY_TIMEOUT,
  [ErrorCode.DependencyFailed]: HttpStatus.BAD_GATEWAY,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: ErrorCode.Unprocessable,
  429: 'RATE_LIMITED',
  503: ErrorCode.DependencyUnavailable,
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: unknown;
  correlation_id: string;
}

/** Errors a lost database or Redis connection produces: answered 503, not 500. */
function isDependencyDown(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '53300'].includes(err.code ?? '')) return true;
  return /Connection terminated|connection timeout|Connection is closed|timeout exceeded when trying to connect|the database system is/i.test(err.message ?? '');
}

/**
 * The one place an error becomes an HTTP answer: domain codes map to statuses, every body and log
 * line carries the request's correlation id, and nothing unexpected leaks its internals.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    // body-parser errors happen before the logger middleware has given the request its id
    const body = this.toBody(exception, String(req.id ?? requestId(req, res)));
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, correlation_id: body.correlation_id, path: req.originalUrl }, body.message);
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown, correlationId: string): ErrorBody {
    const make = (statusCode: number, message: string, code?: string, details?: unknown): ErrorBody => ({
      statusCode,
      code: code ?? CODE_BY_STATUS[statusCode] ?? (statusCode >= 500 ? 'INTERNAL' : 'BAD_REQUEST'),
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
      ...(details === undefined ? {} : { details }),
      correlation_id: correlationId,
    });

    if (exception instanceof DomainError) {
      return make(STATUS_BY_CODE[exception.code] ?? 500, exception.message, exception.code, exception.details);
    }
    if (exception instanceof ThrottlerException) {
      return make(429, 'too many requests: rate limit exceeded, retry after the time in the Retry-After header', 'RATE_LIMITED');
    }
    // Nest maps body-parser failures to HttpExceptions; the original error is the cause
    const cause = exception instanceof HttpException ? (exception.cause as { type?: string; limit?: number } | undefined) : undefined;
    if (cause?.type === 'entity.parse.failed') {
      return make(400, `malformed JSON body: ${(exception as Error).message}`, ErrorCode.ValidationFailed);
    }
    if (cause?.type === 'entity.too.large') {
      return make(413, `request body too large: the limit is ${cause.limit} bytes`, ErrorCode.PayloadTooLarge);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const r = typeof response === 'string' ? { message: response } : (response as { message?: unknown; details?: unknown; code?: string });
      const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message);
      return make(status, message, r.code, r.details);
    }
    // body-parser errors reach us as plain errors with a status and a type
    const bp = exception as { type?: string; status?: number; message?: string; limit?: number };
    if (bp?.type === 'entity.too.large') {
      return make(413, `request body too large: the limit is ${bp.limit} bytes`, ErrorCode.PayloadTooLarge);
    }
    if (bp?.type === 'entity.parse.failed') {
      return make(400, `malformed JSON body: ${bp.message}`, ErrorCode.ValidationFailed);
    }
    if (bp?.status && bp.status >= 400 && bp.status < 500) return make(bp.status, bp.message ?? 'bad request');
    if (isDependencyDown(exception)) {
      return make(503, 'a dependency (database or queue) is unavailable; retry shortly', ErrorCode.DependencyUnavailable);
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception as QueryFailedError & { code?: string }).code;
      if (code === '22P02') return make(400, 'malformed identifier or value', ErrorCode.ValidationFailed);
    }
    return make(500, 'internal error; the correlation id identifies it in the logs', 'INTERNAL');
  }
}
