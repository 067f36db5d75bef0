/**
 * `passport-dintero/fastify`: the session helpers for Fastify with @fastify/session and
 * @fastify/passport. The same code as the Express middleware, through the session seam; Fastify's
 * types only (nothing of Fastify is loaded at runtime).
 *
 * @example
 * ```ts
 * import fastifyPassport from '@fastify/passport'
 * import { DinteroPasswordStrategy } from 'passport-dintero'
 * import { deserializeUser, logoutHandler, refreshTokensHook, serializeUser } from 'passport-dintero/fastify'
 *
 * const strategy = new DinteroPasswordStrategy(options)
 * fastifyPassport.use('dintero', strategy)
 * fastifyPassport.registerUserSerializer(serializeUser)
 * fastifyPassport.registerUserDeserializer(deserializeUser)
 * app.addHook('preHandler', refreshTokensHook(strategy))
 * app.post('/logout', { preHandler: logoutHandler(strategy) }, async (request, reply) => reply.redirect('/'))
 * ```
 *
 * @packageDocumentation
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type LogoutOptions, signOutOf } from './logout.js'
import { refresherOf, type RefreshTokensOptions } from './refresh.js'
import { cookieSessionError, detectHost } from './session-access.js'
import { deserializeUser as deserializeDone, type DinteroUser, serializeUser as serializeDone } from './session.js'
import type { DinteroPasswordStrategy } from './strategy.js'

/** A Fastify hook (`onRequest`, `preHandler`, or a route's `preHandler`) as this module returns it. */
export type DinteroFastifyHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** What {@link serializeUser} stores in the session: the customer's id and tokens. */
export interface DinteroStoredUser {
  /** The customer's id (`sub`). */
  id: string
  /** The customer's tokens (secrets: the session must be server-side). */
  tokens: DinteroUser['tokens']
}

/**
 * `refreshTokens` for Fastify: a hook that keeps the signed-in customer's Dintero tokens fresh. Add it
 * after @fastify/passport's `secureSession()` (`app.addHook('preHandler', refreshTokensHook(strategy))`).
 * Everything `refreshTokens` promises holds: one refresh call per session at a time, sign-out when
 * Dintero refuses the refresh token, the request failing with the `DinteroError` (its `statusCode`, so
 * Fastify answers 502/503/504) only when the access token has expired and Dintero cannot refresh it.
 * A cookie-only session (@fastify/secure-session) fails with a `TypeError`: it would hold the refresh token.
 */
export function refreshTokensHook(strategy: DinteroPasswordStrategy, options: RefreshTokensOptions = {}): DinteroFastifyHook {
  const refresh = refresherOf(strategy, options)
  return async function refreshDinteroTokens(request, reply) {
    await refresh(request, reply.raw)
  }
}

/**
 * `logout` for Fastify: a route `preHandler` that revokes the refresh token at Dintero, then
 * `request.logOut()` and destroys the session; your handler answers after it. A failed revoke goes to
 * `onRevokeError` and never blocks the local sign-out.
 */
export function logoutHandler(strategy: DinteroPasswordStrategy, options: LogoutOptions<FastifyRequest> = {}): DinteroFastifyHook {
  const signOut = signOutOf<FastifyRequest>(strategy, options)
  return async function logoutDintero(request) {
    await signOut(request)
  }
}

/**
 * For `fastifyPassport.registerUserSerializer(serializeUser)`: stores the default user's id and tokens
 * in the session (as `serializeUser` of the main entry does). Rejects a cookie-only session
 * (@fastify/secure-session): the refresh token would be stored in the browser.
 */
export function serializeUser(user: unknown, request: FastifyRequest): Promise<DinteroStoredUser> {
  if (detectHost(request) === 'cookie') return Promise.reject(cookieSessionError('serializeUser', 'refresh token'))
  return new Promise((resolve, reject) => {
    serializeDone(user as Express.User, (err, stored) => (err ? reject(err) : resolve(stored as DinteroStoredUser)))
  })
}

/**
 * For `fastifyPassport.registerUserDeserializer(deserializeUser)`: reads the default user back;
 * anything that is not a well-formed stored user signs the visitor out (`null`).
 */
export function deserializeUser(stored: unknown, request: FastifyRequest): Promise<DinteroUser | null> {
  return new Promise((resolve, reject) => {
    // With the request, the expiry guard knows whether refreshTokensHook already ran on it (as an onRequest hook).
    deserializeDone(request, stored, (err, user) => (err ? reject(err) : resolve(user ? (user as DinteroUser) : null)))
  })
}

export type { LogoutOptions, RefreshTokensOptions }
