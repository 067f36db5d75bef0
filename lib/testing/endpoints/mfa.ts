/**
 * The MFA flow: `customers/mfa_login`, `auth/mfa/challenge`, and the MFA code grant on
 * `auth/token`.
 *
 * @module
 */
import type { MfaChannel } from '../mfa-sessions.js';
import { errorReply, invalidBody, ok, type FieldError, type Reply } from '../reply.js';
import type { EmulatorUser, IdentType } from '../users.js';
import { authenticateClient, isReply, type EndpointContext, type EndpointRequest } from './context.js';
import { signInRequest } from './credentials.js';
import { userTokensReply } from './issue.js';

/** The channel codes go to: SMS for a phone login, email for an email login. */
export function mfaChannelFor(user: EmulatorUser, identType: IdentType): MfaChannel {
  return identType === 'phone_number' || user.email === undefined ? 'sms' : 'email';
}

/** Step 1: credentials (`secret` is the password) for an `mfa_token`. */
export function mfaLogin(ctx: EndpointContext, req: EndpointRequest): Reply {
  const signIn = signInRequest(ctx, req, 'secret', false);
  if (isReply(signIn)) return signIn;
  const { credentials, user } = signIn;
  const channel = mfaChannelFor(user, credentials.identType);
  const mfaToken = ctx.mfa.open(user.id, channel);
  // oob_channel is optional in Dintero's docs: option omitOobChannel leaves it out.
  return ok({ mfa_token: mfaToken, challenge_type: 'oob', ...(ctx.options.omitOobChannel ? {} : { oob_channel: channel }), links: [] });
}

/** Step 2: "sends" a new 6-digit code, invalidating the previous one of the same `mfa_token`. */
export function mfaChallenge(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const { challenge_type: challengeType, mfa_token: mfaToken, oob_channel: requested } = req.body;
  const errors: FieldError[] = [];
  if (challengeType !== 'oob') errors.push({ field: 'challenge_type', message: "must be 'oob'" });
  if (typeof mfaToken !== 'string' || mfaToken === '') errors.push({ field: 'mfa_token', message: 'is required' });
  if (requested !== undefined && requested !== 'sms' && requested !== 'email') {
    errors.push({ field: 'oob_channel', message: "must be 'sms' or 'email'" });
  }
  if (errors.length > 0) return invalidBody(errors);

  const state = ctx.mfa.state(mfaToken as string);
  if ('code' in state) return errorReply(403, state.code, state.message);
  const user = ctx.users.get(state.userId);
  if (!user) return errorReply(403, 'invalid_grant', 'The user no longer exists');
  const channel = (requested as MfaChannel | undefined) ?? state.channel;
  const ident = channel === 'sms' ? user.phone : user.email;
  if (ident === undefined) {
    return invalidBody([{ field: 'oob_channel', message: `the user has no ${channel === 'sms' ? 'phone' : 'email'}` }]);
  }
  const { oobCode, code } = ctx.mfa.challenge(mfaToken as string, ident);
  ctx.sendMfaCode({ ident, channel, code });
  return ok({ challenge_type: 'oob', binding_method: 'prompt', oob_code: oobCode });
}

/** Step 3: the code the user typed (`binding_code`) for tokens, as a login returns them. */
export function mfaGrant(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const { oob_code: oobCode, binding_code: bindingCode, mfa_token: mfaToken } = req.body;
  const errors: FieldError[] = [];
  for (const [field, value] of [['oob_code', oobCode], ['binding_code', bindingCode], ['mfa_token', mfaToken]] as const) {
    if (typeof value !== 'string' || value === '') errors.push({ field, message: 'is required' });
  }
  if (errors.length > 0) return invalidBody(errors);
  const result = ctx.mfa.redeem(mfaToken as string, oobCode as string, bindingCode as string);
  if ('code' in result) return errorReply(403, result.code, result.message);
  const user = ctx.users.get(result.userId);
  if (!user) return errorReply(403, 'invalid_grant', 'The user no longer exists');
  return userTokensReply(ctx, user, client, 'issue');
}
