/**
 * CSRF protection with a synchronizer token: one random token per session, put into every form as
 * `_csrf` and compared on every state-changing request. Another site can make a browser post to us
 * with our cookie (even sameSite=lax lets top-level navigations through in older browsers), but it
 * cannot read our pages, so it cannot know the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'

declare module 'express-session' {
  interface SessionData {
    /** The session's CSRF token. */
    csrfToken?: string
  }
}

/** The form field that carries the token. */
export const CSRF_FIELD = '_csrf'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The session's token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url')
  return req.session.csrfToken
}

function sameToken(expected: string, given: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(expected), digest(given))
}

/** Middleware: lets safe methods through; any other request needs the session's token in its body, else `refuse` answers. */
export function requireCsrfToken(refuse: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next()
    const expected = req.session?.csrfToken
    const body: unknown = req.body
    const given =
      typeof body === 'object' && body !== null && Object.prototype.hasOwnProperty.call(body, CSRF_FIELD)
        ? (body as Record<string, unknown>)[CSRF_FIELD]
        : undefined
    if (typeof expected === 'string' && typeof given === 'string' && sameToken(expected, given)) return next()
    return refuse(req, res, next)
  }
}
