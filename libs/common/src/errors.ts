/**
 * Domain errors carry a stable `code`; the api's global filter maps codes to HTTP statuses, so
 * services and pure libs never import HTTP concepts.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Unprocessable = 'UNPROCESSABLE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  EthicsBlocked = 'ETHICS_BLOCKED',
  BudgetExceeded = 'BUDGET_EXCEEDED',
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
  DependencyTimeout = 'DEPENDENCY_TIMEOUT',
  /** a dependency answered, but with an error of its own (e.g. the LLM refused the model) */
  DependencyFailed = 'DEPENDENCY_FAILED',
}

/** One problem with an input, named by its path (`agents[3].count`) and the rule it broke. */
export interface Problem {
  path: string;
  rule: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError(ErrorCode.NotFound, `${what} ${id} not found`);

export const invalid = (problems: Problem[], message?: string) =>
  new DomainError(ErrorCode.ValidationFailed, message ?? problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
