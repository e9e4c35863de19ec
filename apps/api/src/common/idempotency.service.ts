import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '#common';
import { IdempotencyKey } from '#db';

export interface IdempotentResult<T> {
  body: T;
  /** true when this is the stored answer to an earlier request with the same key */
  replayed: boolean;
}

const canonical = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`;

/**
 * `Idempotency-Key` support: the first request's answer is stored in the same transaction as its
 * effect, so a retry gets that answer and never a second effect; the same key with another body is
 * a 422. Concurrent requests with one key wait on an advisory lock for the first to finish.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async run<T>(scope: string, key: string | undefined, request: unknown, effect: (m: EntityManager) => Promise<T>): Promise<IdempotentResult<T>> {
    if (key === undefined) return { body: await this.ds.transaction(effect), replayed: false };
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Idempotency-Key must be 1..200 printable ASCII characters without spaces');
    }
    const requestHash = createHash('sha256').update(canonical(request)).digest('hex');
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${scope}|${key}`]);
      const repo = m.getRepository(IdempotencyKey);
      const seen = await repo.findOne({ where: { scope, key } });
      if (seen) {
        if (seen.requestHash !== requestHash) {
          throw new DomainError(ErrorCode.Unprocessable, 'this Idempotency-Key was already used with a different request body');
        }
        return { body: seen.responseBody as T, replayed: true };
      }
      const body = await effect(m);
      await repo.insert({ scope, key, requestHash, statusCode: 201, responseBody: body as object });
      return { body, replayed: false };
    });
  }
}
