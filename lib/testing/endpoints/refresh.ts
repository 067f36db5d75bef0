/**
 * Refresh tokens over the wire: the `refresh_token` grant and `POST /auth/revoke`.
 *
 * @module
 */
import { errorReply, ok, type Reply } from '../reply.js';
import { authenticateClient, isReply, type EndpointContext, type EndpointRequest } from './context.js';
import { userTokensReply } from './issue.js';

/**
 * Refresh grant, authenticated with the same client's Bearer token. With
 * `rotateRefreshTokens` a new refresh token is returned and the old one dies; otherwise no
 * refresh token is returned and the old one stays valid.
 */
export function refreshGrant(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const token = req.body['refresh_token'];
  if (typeof token !== 'string' || token === '') return errorReply(400, 'invalid_request', 'refresh_token is required');
  const grant = ctx.refreshTokens.lookup(token);
  const user = grant && grant.clientId === client.clientId ? ctx.users.get(grant.userId) : undefined;
  if (!user) return errorReply(401, 'invalid_grant', 'Invalid, revoked or expired refresh_token');
  if (!ctx.options.rotateRefreshTokens) return userTokensReply(ctx, user, client, 'none');
  ctx.refreshTokens.revoke(token);
  return userTokensReply(ctx, user, client, { rotated: ctx.refreshTokens.issue(user.id, client.clientId) });
}

/** Revokes a refresh token; 200 `{}` whether or not it was live (RFC 7009). */
export function revoke(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const token = req.body['token'];
  if (typeof token !== 'string' || token === '') return errorReply(400, 'invalid_request', 'token is required');
  ctx.refreshTokens.revoke(token);
  return ok({});
}
