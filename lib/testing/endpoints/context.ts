/**
 * What every endpoint handler gets: the emulator's state, the request, and the client check
 * most endpoints start with.
 *
 * @module
 */
import type { MfaCodeMessage, ResolvedOptions } from '../options.js';
import type { JsonObject } from '../jwt.js';
import { verifyRs256 } from '../jwt.js';
import type { KeySet } from '../keys.js';
import type { MfaSessionStore } from '../mfa-sessions.js';
import type { PasswordResetEmail, PasswordResetStore } from '../password-resets.js';
import type { RefreshTokenStore } from '../refresh-tokens.js';
import { errorReply, type Reply } from '../reply.js';
import type { UserStore } from '../users.js';

/** The emulator's state as handlers see it. */
export interface EndpointContext {
  readonly options: ResolvedOptions;
  /** The resolved audience (the option, or the default computed from the base URL). */
  readonly audience: string;
  readonly keys: KeySet;
  readonly users: UserStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly mfa: MfaSessionStore;
  /** "Sends" an MFA code. */
  readonly sendMfaCode: (message: MfaCodeMessage) => void;
  /** Password-reset emails sent and their one-time links. */
  readonly passwordResets: PasswordResetStore;
  /** "Sends" a password-reset email. */
  readonly sendPasswordResetEmail: (email: PasswordResetEmail) => void;
}

/** The parts of a request handlers read. */
export interface EndpointRequest {
  readonly authorization: string | undefined;
  /** The parsed JSON body; `{}` for GET. */
  readonly body: JsonObject;
}

/** Answers one emulated operation. */
export type EndpointHandler = (ctx: EndpointContext, req: EndpointRequest) => Reply;

/** `gty` claim that marks client tokens, so a customer's access token is never taken for one. */
export const CLIENT_TOKEN_GRANT = 'client-credentials';

/** The authenticated client of a request. */
export interface AuthenticatedClient {
  readonly clientId: string;
  readonly scopes: readonly string[];
}

/**
 * Checks `Authorization: Bearer <client token>`: an RS256 token this emulator signed with a
 * key still in the set, for this client, audience and issuer, not expired. Returns the client
 * or the 401 to send.
 */
export function authenticateClient(ctx: EndpointContext, authorization: string | undefined): AuthenticatedClient | Reply {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return errorReply(401, 'unauthorized', 'Missing or malformed Bearer client token');
  const claims = verifyRs256(match[1] as string, (kid) => ctx.keys.find(kid)?.publicKey);
  const exp = claims?.['exp'];
  if (
    !claims ||
    claims['gty'] !== CLIENT_TOKEN_GRANT ||
    claims['sub'] !== ctx.options.clientId ||
    claims['aud'] !== ctx.audience ||
    claims['iss'] !== ctx.options.issuer ||
    typeof exp !== 'number' ||
    exp * 1000 <= Date.now()
  ) {
    return errorReply(401, 'unauthorized', 'Invalid or expired client token');
  }
  const scopes = Array.isArray(claims['scopes']) ? claims['scopes'].filter((s): s is string => typeof s === 'string') : [];
  return { clientId: ctx.options.clientId, scopes };
}

/** The 403 to send unless the client has one of `anyOf`. */
export function requireScope(client: AuthenticatedClient, anyOf: readonly string[]): Reply | undefined {
  if (anyOf.some((scope) => client.scopes.includes(scope))) return undefined;
  return errorReply(403, 'forbidden', `Client token lacks scope ${anyOf.join(' or ')}`);
}

/** Narrows a handler step's result: true when it is the reply to send. */
export function isReply(value: object): value is Reply {
  return 'status' in value && 'body' in value;
}
