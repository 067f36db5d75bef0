/**
 * The credentials part of `customers/login` and `customers/mfa_login` bodies: validation as the
 * published reference describes it, and finding the user they name.
 *
 * @module
 */
import type { JsonObject } from '../jwt.js';
import { codeForStatus, errorReply, invalidBody, type FieldError, type Reply } from '../reply.js';
import type { EmulatorUser, EmulatorUserType, IdentType } from '../users.js';
import { SCOPE_LOGIN, SCOPE_LOGIN_NO_MFA } from '../options.js';
import { authenticateClient, isReply, requireScope, type AuthenticatedClient, type EndpointContext, type EndpointRequest } from './context.js';

const E164 = /^\+[1-9]\d{1,14}$/;

/** Validated credentials. */
export interface Credentials {
  readonly type: EmulatorUserType;
  readonly identType: IdentType;
  readonly ident: string;
  readonly password: string;
}

/**
 * Validates `audience`, `type`, the password field (4 to 255 characters) and the ident:
 * `email`, or `ident_type` (`email` | `phone_number`) with `ident`. `email` is only
 * accepted where `allowEmailField` (login, not mfa_login). Returns a 400 listing every problem.
 */
export function readCredentials(
  ctx: EndpointContext,
  body: JsonObject,
  passwordField: 'password' | 'secret',
  allowEmailField: boolean,
): Credentials | Reply {
  const errors: FieldError[] = [];
  const { audience, type, email, ident_type: identType, ident } = body;
  const password = body[passwordField];

  if (typeof audience !== 'string' || audience === '') errors.push({ field: 'audience', message: 'is required' });
  else if (audience !== ctx.audience) errors.push({ field: 'audience', message: 'is not an audience of this client' });

  if (type !== 'customer' && type !== 'company') {
    errors.push({ field: 'type', message: "must be 'customer' or 'company'" });
  }
  if (typeof password !== 'string' || password.length < 4 || password.length > 255) {
    errors.push({ field: passwordField, message: 'must be a string of 4 to 255 characters' });
  }

  let resolved: { identType: IdentType; ident: string } | undefined;
  if (allowEmailField && email !== undefined) {
    if (typeof email === 'string' && email.includes('@')) resolved = { identType: 'email', ident: email };
    else errors.push({ field: 'email', message: 'must be an email address' });
  } else if (identType === undefined && ident === undefined) {
    errors.push({ field: allowEmailField ? 'email' : 'ident', message: allowEmailField ? 'or ident_type and ident is required' : 'is required' });
  } else if (identType !== 'email' && identType !== 'phone_number') {
    errors.push({ field: 'ident_type', message: "must be 'email' or 'phone_number'" });
  } else if (typeof ident !== 'string' || ident === '') {
    errors.push({ field: 'ident', message: 'is required' });
  } else if (identType === 'email' && !ident.includes('@')) {
    errors.push({ field: 'ident', message: 'must be an email address' });
  } else if (identType === 'phone_number' && !E164.test(ident)) {
    errors.push({ field: 'ident', message: 'must be an E.164 phone number' });
  } else {
    resolved = { identType, ident };
  }

  if (errors.length > 0 || !resolved) return invalidBody(errors);
  return { type: type as EmulatorUserType, password: password as string, ...resolved };
}

/**
 * The user the credentials name, or the error: `unknownUserStatus` (404 `NOT FOUND` by default) for an
 * unknown user, `wrongPasswordStatus` (401 `unauthorized` by default) for a wrong password. They differ
 * on purpose: the library under test must not let a caller tell them apart.
 */
export function authenticateUser(ctx: EndpointContext, credentials: Credentials): EmulatorUser | Reply {
  const { unknownUserStatus, wrongPasswordStatus } = ctx.options;
  const user = ctx.users.find(credentials.type, credentials.identType, credentials.ident);
  if (!user) return errorReply(unknownUserStatus, codeForStatus(unknownUserStatus), 'Customer not found');
  if (!ctx.users.checkPassword(user.id, credentials.password)) {
    return errorReply(wrongPasswordStatus, codeForStatus(wrongPasswordStatus), 'Invalid credentials');
  }
  return user;
}

/**
 * What `customers/login` and `customers/mfa_login` both do first: the client token with a login scope,
 * the credentials in the body, and the user they name; or the first error, as its reply.
 */
export function signInRequest(
  ctx: EndpointContext,
  req: EndpointRequest,
  passwordField: 'password' | 'secret',
  allowEmailField: boolean,
): { client: AuthenticatedClient; credentials: Credentials; user: EmulatorUser } | Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const forbidden = requireScope(client, [SCOPE_LOGIN, SCOPE_LOGIN_NO_MFA]);
  if (forbidden) return forbidden;
  const credentials = readCredentials(ctx, req.body, passwordField, allowEmailField);
  if (isReply(credentials)) return credentials;
  const user = authenticateUser(ctx, credentials);
  if (isReply(user)) return user;
  return { client, credentials, user };
}
