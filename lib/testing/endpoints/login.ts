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
import type { EmulatorUser, IdentType } from '../users.js';

/**
 * Password login. MFA users get `mfa_required` (status `mfaRequiredStatus`, 403 by default), with the
 * `mfa_token` where option `mfaRequired` puts it: at the top level, inside `error`, or nowhere.
 */
export function login(ctx: EndpointContext, req: EndpointRequest): Reply {
  const signIn = signInRequest(ctx, req, 'password', true);
  if (isReply(signIn)) return signIn;
  const { client, credentials, user } = signIn;
  if (user.mfa && !client.scopes.includes(SCOPE_LOGIN_NO_MFA)) return mfaRequiredReply(ctx, user, credentials.identType);
  return userTokensReply(ctx, user, client, 'issue');
}

function mfaRequiredReply(ctx: EndpointContext, user: EmulatorUser, identType: IdentType): Reply {
  const { mfaRequired, mfaRequiredStatus } = ctx.options;
  const message = 'Multi-factor authentication is required';
  if (mfaRequired === 'none') return errorReply(mfaRequiredStatus, 'mfa_required', message);
  const mfaToken = ctx.mfa.open(user.id, mfaChannelFor(user, identType));
  if (mfaRequired === 'top') return errorReply(mfaRequiredStatus, 'mfa_required', message, { extra: { mfa_token: mfaToken } });
  return { status: mfaRequiredStatus, body: { error: { code: 'mfa_required', message, mfa_token: mfaToken } } };
}
