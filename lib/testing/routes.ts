/**
 * Which emulated operation a request addresses: method and path, and for `/auth/token` the
 * grant type.
 *
 * @module
 */
import { clientCredentials } from './endpoints/client-token.js';
import { changePassword, createCustomer } from './endpoints/customers.js';
import type { EndpointHandler } from './endpoints/context.js';
import { keys } from './endpoints/keys.js';
import { login } from './endpoints/login.js';
import { mfaChallenge, mfaGrant, mfaLogin } from './endpoints/mfa.js';
import { refreshGrant, revoke } from './endpoints/refresh.js';
import type { EmulatorEndpoint } from './endpoint-names.js';
import type { JsonObject } from './jwt.js';
import { errorReply, type Reply } from './reply.js';

/** `/auth/token` serves three endpoints, told apart by `grant_type`. */
type Operation = 'token' | Exclude<EmulatorEndpoint, 'client_token' | 'refresh' | 'mfa_token'>;

const ROUTES: Readonly<Record<string, { readonly method: 'GET' | 'POST'; readonly operation: Operation }>> = {
  'auth/token': { method: 'POST', operation: 'token' },
  'auth/keys': { method: 'GET', operation: 'keys' },
  'auth/revoke': { method: 'POST', operation: 'revoke' },
  'auth/mfa/challenge': { method: 'POST', operation: 'mfa_challenge' },
  'customers/login': { method: 'POST', operation: 'login' },
  'customers/mfa_login': { method: 'POST', operation: 'mfa_login' },
  'customers/change_password': { method: 'POST', operation: 'change_password' },
  'customers/users': { method: 'POST', operation: 'create_customer' },
};

/** The handler of each endpoint. */
export const HANDLERS: Readonly<Record<EmulatorEndpoint, EndpointHandler>> = {
  client_token: clientCredentials,
  refresh: refreshGrant,
  mfa_token: mfaGrant,
  login,
  keys,
  revoke,
  mfa_login: mfaLogin,
  mfa_challenge: mfaChallenge,
  change_password: changePassword,
  create_customer: createCustomer,
};

/** A request's route, or the 404/405 to answer. */
export type RouteMatch =
  | { readonly kind: 'route'; readonly operation: Operation; readonly method: 'GET' | 'POST' }
  | { readonly kind: 'miss'; readonly reply: Reply };

/** Matches `/v1/accounts/{aid}/…`; a foreign `aid` is a 404 like any unknown path. */
export function matchRoute(method: string, path: string, accountId: string): RouteMatch {
  const match = /^\/v1\/accounts\/([^/]+)\/(.+)$/.exec(path);
  const route = match ? ROUTES[match[2] as string] : undefined;
  if (!match || !route) return { kind: 'miss', reply: errorReply(404, 'NOT FOUND', `No route for ${method} ${path}`) };
  if (match[1] !== accountId) return { kind: 'miss', reply: errorReply(404, 'NOT FOUND', 'Account not found') };
  if (method !== route.method) {
    return { kind: 'miss', reply: errorReply(405, 'method_not_allowed', `Use ${route.method}`, { headers: { Allow: route.method } }) };
  }
  return { kind: 'route', operation: route.operation, method: route.method };
}

/** The endpoint a `/auth/token` body addresses; unknown or unreadable grants count as `client_token`. */
export function tokenEndpoint(body: JsonObject | undefined, mfaGrantTypes: readonly string[]): EmulatorEndpoint {
  const grantType = body?.['grant_type'];
  if (grantType === 'refresh_token') return 'refresh';
  if (typeof grantType === 'string' && mfaGrantTypes.includes(grantType)) return 'mfa_token';
  return 'client_token';
}

/** The path of a request target, without query string (absolute-form targets included). */
export function pathOf(target: string | undefined): string {
  const raw = target ?? '/';
  if (raw.startsWith('/')) return raw.split('?')[0] as string;
  try {
    return new URL(raw).pathname;
  } catch {
    return raw;
  }
}
