import { Param, ParseUUIDPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '#common';

/** A path id that must be a UUID: anything else is a 400 naming the parameter. */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new DomainError(ErrorCode.ValidationFailed, `${name} must be a UUID`, { problems: [{ path: name, rule: 'uuid', message: `${name} must be a UUID` }] }),
    }),
  );
