/**
 * Minting the tokens successful calls return.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../jwt.js';
import { SCOPE_REFRESH_TOKEN } from '../options.js';
import { ok, type Reply } from '../reply.js';
import { signToken } from '../sign-token.js';
import type { EmulatorUser } from '../users.js';
import { CLIENT_TOKEN_GRANT, type AuthenticatedClient, type EndpointContext } from './context.js';

/** The second audience of customer tokens with option `audShape: 'array'`. */
export const FOREIGN_AUDIENCE = 'https://api.dintero.com/v1/accounts/T00000000';

/** `scope` claim of customer access tokens (Dintero publishes none; users' `claims` may override). */
export const CUSTOMER_TOKEN_SCOPE = 'openid';

/** 200 `{access_token, token_type, expires_in}` with a fresh client token (`expires_in` left out with option `omitExpiresIn`). */
export function clientTokenReply(ctx: EndpointContext): Reply {
  const { clientId, clientScopes, clientTokenTtl, issuer } = ctx.options;
  const { iat, exp, expiresIn } = lifetime(clientTokenTtl);
  const claims: JsonObject = {
    iss: issuer,
    sub: clientId,
    aud: ctx.audience,
    iat,
    exp,
    jti: randomUUID(),
    gty: CLIENT_TOKEN_GRANT,
    scopes: [...clientScopes],
    scope: clientScopes.join(' '),
  };
  const body: JsonObject = { access_token: signToken(ctx.keys, claims), token_type: 'Bearer' };
  if (!ctx.options.omitExpiresIn) body['expires_in'] = expiresIn;
  return ok(body, claims);
}

/**
 * 200 `{access_token, token_type, expires_in, refresh_token?}` for the user. `refresh`:
 * `'issue'` issues a refresh token when the client has `create:accounts:auth:refresh_token`,
 * `'none'` returns none, `{ rotated }` returns the one rotation just issued.
 */
export function userTokensReply(
  ctx: EndpointContext,
  user: EmulatorUser,
  client: AuthenticatedClient,
  refresh: 'issue' | 'none' | { readonly rotated: string },
): Reply {
  const { iat, exp, expiresIn } = lifetime(ctx.options.accessTokenTtl);
  const claims: JsonObject = {
    scope: CUSTOMER_TOKEN_SCOPE,
    ...(user.email !== undefined ? { email: user.email } : {}),
    ...(user.phone !== undefined ? { phone_number: user.phone } : {}),
    type: user.type,
    ...user.claims,
    ...ctx.options.extraClaims,
    // Last, so a user's custom claims can never override what verifiers check.
    iss: ctx.options.issuer,
    sub: user.id,
    aud: ctx.options.audShape === 'array' ? [ctx.audience, FOREIGN_AUDIENCE] : ctx.audience,
    iat,
    exp,
    jti: randomUUID(),
  };
  const body: JsonObject = { access_token: signToken(ctx.keys, claims), token_type: 'Bearer' };
  if (!ctx.options.omitExpiresIn) body['expires_in'] = expiresIn;
  if (refresh === 'issue') {
    if (client.scopes.includes(SCOPE_REFRESH_TOKEN)) body['refresh_token'] = ctx.refreshTokens.issue(user.id, client.clientId);
  } else if (refresh !== 'none') {
    body['refresh_token'] = refresh.rotated;
  }
  return ok(body, claims);
}

// Whole seconds, as JWT NumericDates usually are; a fractional TTL is rounded up.
function lifetime(ttlSeconds: number): { iat: number; exp: number; expiresIn: number } {
  const iat = Math.floor(Date.now() / 1000);
  const expiresIn = Math.ceil(ttlSeconds);
  return { iat, exp: iat + expiresIn, expiresIn };
}
