import { SetMetadata } from '@nestjs/common';
import { UserRole } from '#db';

export const MIN_ROLE = 'auth:min-role';
export const PUBLIC = 'auth:public';

/** The smallest role allowed; without it GET needs viewer (or nothing, if anonymous reads are on) and writes need operator. */
export const RequireRole = (role: UserRole) => SetMetadata(MIN_ROLE, role);

/** No token needed at all (health, docs). A token that is sent must still be valid. */
export const Public = () => SetMetadata(PUBLIC, true);

export const AS_READ = 'auth:as-read';

/** A POST that changes nothing (a dry run, a validation): authorised like a GET. */
export const AsRead = () => SetMetadata(AS_READ, true);

export const CHAT = 'auth:chat';

/**
 * Chat routes: open by default (the chat UI sends no token, OpenAI clients send any key), a viewer
 * token or better when CHAT_REQUIRE_AUTH is on.
 */
export const ChatAccess = () => SetMetadata(CHAT, true);

export interface Principal {
  keyId: string | null;
  name: string;
  role: UserRole;
}
