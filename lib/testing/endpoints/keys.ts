/**
 * `GET /auth/keys`: the account's public signing keys as a bare JSON array (or `{keys}`).
 *
 * @module
 */
import { SCOPE_READ_ACCOUNTS } from '../options.js';
import { ok, type Reply } from '../reply.js';
import { authenticateClient, isReply, requireScope, type EndpointContext, type EndpointRequest } from './context.js';

/** The key set, current key first, as a bare array or `{keys}` (option `keySetShape`). Needs `read:accounts` or `admin:accounts`. */
export function keys(ctx: EndpointContext, req: EndpointRequest): Reply {
  const client = authenticateClient(ctx, req.authorization);
  if (isReply(client)) return client;
  const forbidden = requireScope(client, [SCOPE_READ_ACCOUNTS, 'admin:accounts']);
  if (forbidden) return forbidden;
  const jwks = ctx.keys.jwks();
  return ok(ctx.options.keySetShape === 'object' ? { keys: jwks } : jwks);
}
