import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode, Problem } from '#common';

function flatten(errors: ValidationError[], parent = ''): Problem[] {
  return errors.flatMap((e) => {
    const path = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ path, rule, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Whitelisting + transformation for every request DTO. A 400 lists every problem with the field's
 * path and the rule it broke (`target_workers: must not be greater than 1000`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new BadRequestException({
        code: ErrorCode.ValidationFailed,
        message: problems.map((p) => (p.message.startsWith(p.path) ? p.message : `${p.path}: ${p.message}`)).join('; '),
        details: { problems },
      });
    },
  });
}
