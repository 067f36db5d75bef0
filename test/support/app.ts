/**
 * An Express 5 + express-session + Passport app around a DinteroPasswordStrategy, listening on
 * loopback, that records every Passport outcome so tests can assert on it.
 */
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { expect } from 'chai'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import {
  DinteroPasswordStrategy,
  deserializeUser,
  logout,
  refreshTokens,
  serializeUser,
  type DinteroStrategyOptions,
  type LogoutOptions,
  type RefreshTokensOptions,
  type VerifyFunction,
} from '../../lib/index.js'

export interface Outcome {
  kind: 'success' | 'fail' | 'error'
  status?: number
  info?: any
  error?: any
  user?: any
}

export interface TestApp {
  url: string
  strategy: DinteroPasswordStrategy
  outcomes: Outcome[]
  store: session.Store
  close(): Promise<void>
  /** Every session in the store; needs a store with `all()` (the default MemoryStore has it). */
  sessions(): Promise<Record<string, any>>
}

/** Extras for the token-lifecycle tests. */
export interface AppExtras {
  /** Mounts `refreshTokens(strategy, refresh)` after `passport.session()`. */
  refresh?: RefreshTokensOptions
  /** Mounts refreshTokens before `passport.session()` instead of after. */
  refreshBeforeSession?: boolean
  /** Mounts POST /logout with `logout(strategy, logout)`. */
  logout?: LogoutOptions
  /** Mounts POST /logout before refreshTokens (so the sign-out itself does not join a refresh in flight). */
  logoutBeforeRefresh?: boolean
  /** Adds routes after the built-in ones (before the error handler). */
  routes?: (app: express.Express) => void
  /** express-session's `resave`. Default false. */
  resave?: boolean
  /** The session store; pass one store to several apps for instances that share it. Default a new MemoryStore. */
  store?: session.Store
}

export async function startApp(options: DinteroStrategyOptions, verify?: VerifyFunction, extras: AppExtras = {}): Promise<TestApp> {
  const strategy = new DinteroPasswordStrategy(options, verify)
  return startAppWith(strategy, extras)
}

export async function startAppWith(strategy: DinteroPasswordStrategy, extras: AppExtras = {}): Promise<TestApp> {
  const auth = new passport.Passport()
  auth.use(strategy)
  auth.serializeUser(serializeUser)
  auth.deserializeUser(deserializeUser)
  const store = extras.store ?? new session.MemoryStore()
  const outcomes: Outcome[] = []

  const app = express()
  app.use(express.urlencoded({ extended: false, limit: '2mb' }))
  app.use(express.json({ limit: '2mb' }))
  app.use(session({ secret: 'test-session-secret', resave: extras.resave ?? false, saveUninitialized: false, store }))
  if (extras.refresh && extras.refreshBeforeSession) app.use(refreshTokens(strategy, extras.refresh))
  app.use(auth.session())
  const mountLogout = (): void => {
    if (!extras.logout) return
    app.post('/logout', logout(strategy, extras.logout), (req, res) => {
      res.json({ signedIn: !!req.user })
    })
  }
  if (extras.logoutBeforeRefresh) mountLogout()
  if (extras.refresh && !extras.refreshBeforeSession) app.use(refreshTokens(strategy, extras.refresh))
  if (!extras.logoutBeforeRefresh) mountLogout()

  app.post('/login', (req, res, next) => {
    auth.authenticate(strategy.name, (err: any, user: any, info: any, status: any) => {
      if (err) {
        outcomes.push({ kind: 'error', error: err })
        res.status(typeof err.status === 'number' ? err.status : 500).json({ error: err.code ?? 'unknown', message: err.message })
        return
      }
      if (!user) {
        outcomes.push({ kind: 'fail', status, info })
        res.status(status ?? 401).json(info ?? {})
        return
      }
      outcomes.push({ kind: 'success', user, info })
      req.logIn(user, (loginErr) => {
        if (loginErr) return next(loginErr)
        res.json({ id: user.id })
      })
    })(req, res, next)
  })

  app.post(
    '/login-redirect',
    auth.authenticate(strategy.name, { successRedirect: '/me', failureRedirect: '/messages', failureMessage: true }),
  )

  // MFA: the pending sign-in (without secrets) and resending the code; both need option mfa on.
  app.get('/login/mfa', (req, res, next) => {
    try {
      res.json({ pending: strategy.pendingMfa(req) ?? null })
    } catch (err) {
      next(err)
    }
  })

  app.post('/login/mfa/resend', async (req, res, next) => {
    try {
      const result = await strategy.resendCode(req)
      res.status(result.sent ? 200 : result.status).json(result)
    } catch (err) {
      next(err)
    }
  })

  app.get('/me', (req, res) => {
    if (!req.user) {
      res.status(401).json({ signedIn: false })
      return
    }
    const user = req.user as any
    res.json({ signedIn: true, id: user.id, sub: user.claims.sub, expiresAt: user.tokens.expiresAt, hasRefreshToken: !!user.tokens.refreshToken })
  })

  app.get('/messages', (req, res) => {
    res.json({ messages: (req.session as any).messages ?? [] })
  })

  extras.routes?.(app)

  app.use((err: any, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    outcomes.push({ kind: 'error', error: err })
    res.status(typeof err.status === 'number' ? err.status : 500).json({ error: err.code ?? 'unknown' })
  })

  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    strategy,
    outcomes,
    store,
    sessions: () =>
      new Promise((resolve, reject) => {
        if (!store.all) throw new Error('this session store cannot list its sessions')
        store.all((err, all) => (err ? reject(err) : resolve((all ?? {}) as Record<string, any>)))
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Signs `customer` in with a JSON POST to `url`/login, expects 200, and returns the session cookie (`name=value`). */
export async function signInCookie(url: string, customer: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: customer.email, password: customer.password }),
  })
  expect(res.status, 'sign-in status').to.equal(200)
  return res.headers.get('set-cookie')!.split(';')[0]!
}

/** A GET with `cookie`; resolves to the parsed JSON body. */
export async function getJson(url: string, cookie: string): Promise<any> {
  return (await fetch(url, { headers: { cookie } })).json()
}

/**
 * A page that writes to the session (a view counter) and answers `{ signedIn }` `delayMs` later:
 * express-session saves the copy it loaded when the response ends.
 */
export function touchRoute(delayMs: number): express.RequestHandler {
  return (req, res) => {
    const s = req.session as any
    s.views = (s.views ?? 0) + 1
    const answer = () => res.json({ signedIn: !!req.user })
    if (delayMs > 0) setTimeout(answer, delayMs)
    else answer()
  }
}
