import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '#common';
import { ROLE_RANK, UserRole } from '#db';
import { RUNTIME, Runtime } from '#runtime';
import { AuthService } from './auth.service';
import { AS_READ, CHAT, MIN_ROLE, Principal, PUBLIC } from './auth.decorators';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Bearer API keys with roles admin > operator > viewer; runs before every route. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, targets) ?? false;
    const explicit = this.reflector.getAllAndOverride<UserRole | undefined>(MIN_ROLE, targets);
    const isRead =
      READ_METHODS.has(req.method) || (this.reflector.getAllAndOverride<boolean>(AS_READ, targets) ?? false) || (this.reflector.getAllAndOverride<boolean>(CHAT, targets) ?? false);

    const header = req.headers.authorization;
    if (this.reflector.getAllAndOverride<boolean>(CHAT, targets) && !this.runtime.config.chat.requireAuth) {
      // open chat: a valid token still identifies the caller, anything else is anonymous
      const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
      const principal = token ? await this.auth.authenticate(token) : null;
      if (principal) req.principal = principal;
      return true;
    }
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new DomainError(ErrorCode.Unauthorized, 'Authorization header must be "Bearer <token>"');
      const principal = await this.auth.authenticate(m[1]);
      if (!principal) throw new DomainError(ErrorCode.Unauthorized, 'invalid or revoked API key');
      req.principal = principal;
    }

    if (isPublic) return true;
    const needed = explicit ?? (isRead ? UserRole.Viewer : UserRole.Operator);
    const chatLocked = this.reflector.getAllAndOverride<boolean>(CHAT, targets) ?? false;
    if (!req.principal) {
      if (isRead && !explicit && !chatLocked && this.runtime.config.auth.anonymousReads) return true;
      throw new DomainError(ErrorCode.Unauthorized, `authentication required: send "Authorization: Bearer <token>" with a ${needed} key or better`);
    }
    if (ROLE_RANK[req.principal.role] < ROLE_RANK[needed]) {
      throw new DomainError(ErrorCode.Forbidden, `this action needs the ${needed} role; your key has ${req.principal.role}`);
    }
    return true;
  }
}
