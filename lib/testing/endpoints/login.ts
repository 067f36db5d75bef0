/**
 * `POST /customers/login`: email or phone and password for tokens.
 *
 * @module
 */
import { SCOPE_LOGIN_NO_MFA } from '../options.js';
import { errorReply, type Reply } from '../reply.js';
import { isReply, type EndpointContext, type EndpointRequest } from './context.js';
import { signInRequest } from './credentials.js';
import { userTokensReply } from './issue.js';
import { mfaChannelFor } from './mfa.js';

/** Password login. MFA users get 403 `mfa_required` with a top-level `mfa_token`. */
export function login(ctx: EndpointContext, req: EndpointRequest): Reply {
  const signIn = signInRequest(ctx, req, 'password', true);
  if (isReply(signIn)) return signIn;
  const { client, credentials, user } = signIn;
  if (user.mfa && !client.scopes.includes(SCOPE_LOGIN_NO_MFA)) {
    const mfaToken = ctx.mfa.open(user.id, mfaChannelFor(user, credentials.identType));
    return errorReply(403, 'mfa_required', 'Multi-factor authentication is required', { extra: { mfa_token: mfaToken } });
  }
  return userTokensReply(ctx, user, client, 'issue');
}
