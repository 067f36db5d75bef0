/**
 * CSRF protection with a synchronizer token, by csrf-sync: one random token per session, put into every
 * form as `_csrf` and compared on every state-changing request. Another site can make a browser post to
 * us with our cookie (even sameSite=lax lets top-level navigations through in older browsers), but it
 * cannot read our pages, so it cannot know the token.
 */
import type { Request, RequestHandler } from 'express'
import { csrfSync } from 'csrf-sync'

/** The form field that carries the token. */
export const CSRF_FIELD = '_csrf'

const { generateToken, csrfSynchronisedProtection, invalidCsrfTokenError } = csrfSync({
  // From the form body only, and only an own string property: never `__proto__` or a header.
  getTokenFromRequest: (req) => {
    const body: unknown = req.body
    const given = typeof body === 'object' && body !== null && Object.hasOwn(body, CSRF_FIELD) ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined
    return typeof given === 'string' ? given : undefined
  },
  // 32 random bytes (64 hex characters) are plenty; the default 128 bytes only make every form longer.
  size: 32,
})

/** The session's token, created on first use (and so the session with it). */
export function csrfToken(req: Request): string {
  return generateToken(req)
}

/** Middleware: lets safe methods through; any other request needs the session's token in its body, else `refuse` answers. */
export function requireCsrfToken(refuse: RequestHandler): RequestHandler {
  return (req, res, next) => {
    csrfSynchronisedProtection(req, res, (err?: unknown) => {
      if (err === invalidCsrfTokenError) return refuse(req, res, next)
      next(err)
    })
  }
}
