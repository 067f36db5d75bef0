/**
 * `POST /customers/login`: email or phone and password for tokens.
 *
 * @module
 */
import { SCOPE_LOGIN, SCOPE_LOGIN_NO_MFA } from '../options.js';
import { errorReply, type Reply } from '../reply.js';
import { authenticateClient, isReply, requireScope, type EndpointContext, type EndpointRequest } from './context.js';
import { authenticateUser, readCredentials } from './credentials.js';
import { userTokensReply } from './issue.js';
import { mfaChannelFor } from './mfa.js';

/** Password login. MFA users get 403 `mfa_required` with a top-level `mfa_token`. */
export function login(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const forbidden = requireScope(client, [SCOPE_LOGIN, SCOPE_LOGIN_NO_MFA]);
  if (forbidden) return forbidden;
  const credentials = readCredentials(ctx, req.body, 'password', true);
  if (isReply(credentials)) return credentials;
  const user = authenticateUser(ctx, credentials);
  if (isReply(user)) return user;
  if (user.mfa && !client.scopes.includes(SCOPE_LOGIN_NO_MFA)) {
    const mfaToken = ctx.mfa.open(user.id, mfaChannelFor(user, credentials.identType));
    return errorReply(403, 'mfa_required', 'Multi-factor authentication is required', { extra: { mfa_token: mfaToken } });
  }
  return userTokensReply(ctx, user, client, 'issue');
}
