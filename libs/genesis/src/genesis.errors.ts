import { DomainError, ErrorCode } from '#common';

/**
 * A template id that names no template. It is a DomainError with code NOT_FOUND so the api's
 * global filter answers 404 without Genesis knowing about HTTP.
 */
export class UnknownTemplateError extends DomainError {
  constructor(readonly templateId: string) {
    super(ErrorCode.NotFound, `agent template ${templateId} not found`, { template_id: templateId });
    this.name = 'UnknownTemplateError';
  }
}
