/**
 * `POST /auth/token` with `grant_type: client_credentials` (and the 400 for grant types
 * nobody handles).
 *
 * @module
 */
import { errorReply, type Reply } from '../reply.js';
import type { EndpointContext, EndpointRequest } from './context.js';
import { clientTokenReply } from './issue.js';

/** Client credentials grant: Basic client auth, `audience` must be the account's. */
export function clientCredentials(ctx: EndpointContext, req: EndpointRequest): Reply {
  const grantType = req.body['grant_type'];
  if (grantType === undefined) return errorReply(400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    return errorReply(400, 'unsupported_grant_type', `Unsupported grant_type ${JSON.stringify(grantType)}`);
  }
  if (!isClient(ctx, req.authorization)) return errorReply(401, 'unauthorized', 'Invalid client credentials');
  if (req.body['audience'] !== ctx.audience) {
    return errorReply(400, 'bad_request', 'Invalid request body', {
      errors: [{ field: 'audience', message: 'is not an audience of this client' }],
    });
  }
  return clientTokenReply(ctx);
}

function isClient(ctx: EndpointContext, authorization: string | undefined): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return decoded.slice(0, colon) === ctx.options.clientId && decoded.slice(colon + 1) === ctx.options.clientSecret;
}
