/**
 * The example app: a small sign-in site built on passport-dintero, as a user's app would be.
 * `createApp` builds it and never listens (tests and `server.ts` do that).
 */
import { createHash } from 'node:crypto'
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express'
import session, { type Store } from 'express-session'
import { rateLimit, type Store as RateLimitStore } from 'express-rate-limit'
import helmet from 'helmet'
import passport from 'passport'
import {
  DinteroPasswordStrategy,
  type DinteroStrategyOptions,
  deserializeUser,
  isDinteroUser,
  logout,
  refreshTokens,
  serializeUser,
} from 'passport-dintero'
import { csrfToken, requireCsrfToken } from './csrf.js'
import { describeCodeFailure, describeLoginFailure, describeSignupRefusal, isUpstreamError, type LoginFailure } from './login-failure.js'
import { accountPage } from './views/account.js'
import { type CodeView, codePage } from './views/code.js'
import { errorPage, type ErrorView } from './views/error.js'
import { forgotPasswordPage, type ForgotPasswordView } from './views/forgot-password.js'
import { homePage } from './views/home.js'
import type { SafeHtml } from './views/html.js'
import type { PageContext } from './views/layout.js'
import { type DemoCredentials, loginPage, type LoginView } from './views/login.js'
import { signupPage, type SignupView } from './views/signup.js'
import { FAVICON } from './views/favicon.js'
import { STYLES } from './views/styles.js'

/** Options of {@link createApp}. */
export interface ExampleAppOptions {
  /**
   * Options of the `DinteroPasswordStrategy`: account, API client, and `baseUrl` for the emulator.
   * Here `mfa` defaults to `'auto'` (accounts that require MFA sign in with a one-time code; `'off'`
   * removes the code pages), and `mfaURL` is always `/login/mfa`, the app's code page.
   */
  dintero: DinteroStrategyOptions
  /** Secret (or secrets, newest first) that signs the session cookie. Required. */
  sessionSecret: string | string[]
  /**
   * Where sessions live. Default is express-session's `MemoryStore`: one process, lost on restart,
   * fine for trying the app out but not for production. Sessions hold the customer's tokens, so it
   * must be a server-side store.
   */
  sessionStore?: Store
  /** How long a session lasts without being used, in milliseconds. Default is `28800000` (8 hours). */
  sessionMaxAge?: number
  /**
   * Send the session cookie only over HTTPS. Default is `process.env.NODE_ENV === 'production'`.
   * Behind a proxy that terminates TLS, also set `trustProxy`, or the cookie is never sent.
   */
  secureCookies?: boolean
  /**
   * Express's `trust proxy` setting: which proxies' `X-Forwarded-*` headers to believe, for the
   * client IP (rate limit) and HTTPS detection (secure cookie). Default is `false` (no proxy).
   * Use the number of proxy hops, e.g. `1`, rather than `true`.
   */
  trustProxy?: boolean | number | string | string[]
  /** Rate limit on POST `/login`, per client IP. Successful sign-ins do not count. */
  loginRateLimit?: {
    /** Most refused attempts per window. Default is `10`. */
    limit?: number
    /** The window, in milliseconds. Default is `900000` (15 minutes). */
    windowMs?: number
  }
  /**
   * Rate limit on POST `/signup` and on POST `/forgot-password`, per client IP, each with its own budget;
   * POST `/forgot-password` per address too (case and spaces aside), so many IPs cannot flood one inbox.
   * Every attempt counts: a sign-up tells whether an address is taken, and each reset sends an email.
   */
  accountRateLimit?: {
    /** Most attempts per window, for each of the two forms (and for each address asking for a reset). Default is `5`. */
    limit?: number
    /** The window, in milliseconds. Default is `900000` (15 minutes). */
    windowMs?: number
  }
  /**
   * Where the rate limits count, given a name for each limit (`'login'`, `'signup'`, `'reset'`,
   * `'reset-address'`): a new
   * express-rate-limit store per call. Default is express-rate-limit's memory store (one per process).
   * With several instances, use a shared store (`npm start` passes rate-limit-redis when `REDIS_URL` is
   * set), or each instance counts on its own.
   */
  rateLimitStore?: (name: string) => RateLimitStore
  /** Demo credentials to show on the sign-in page; set in emulator mode only. Default is none. */
  demo?: DemoCredentials
  /** Demo credentials of a customer who signs in with a one-time code; emulator mode only. Default is none. */
  demoMfa?: DemoCredentials
  /** Where server-side error lines go (never a secret). Default is `console.error`. */
  log?: (line: string) => void
  /**
   * Refresh the customer's tokens when the access token expires within this many seconds (fractions
   * allowed). Default is `60`.
   */
  refreshWindow?: number
  /** The clock, in milliseconds since epoch, for "expires in …". Default is `Date.now`. */
  now?: () => number
}

const EIGHT_HOURS = 8 * 60 * 60 * 1000
/** The code page: where the strategy sends a customer whose account requires a one-time code. */
const MFA_PATH = '/login/mfa'

/** Builds the example app. It does not listen: call `app.listen()` or hand it to `http.createServer`. */
export function createApp(options: ExampleAppOptions): express.Express {
  const log = options.log ?? ((line: string) => console.error(line))
  const now = options.now ?? Date.now
  const secure = options.secureCookies ?? process.env['NODE_ENV'] === 'production'
  const dintero: DinteroStrategyOptions = { mfa: 'auto', ...options.dintero, mfaURL: MFA_PATH }
  const strategy = new DinteroPasswordStrategy(dintero)
  // An instance of its own rather than the global `passport`, so two apps in one process never mix.
  const auth = new passport.Passport()
  auth.use(strategy)
  auth.serializeUser(serializeUser)
  auth.deserializeUser(deserializeUser)

  const pageContext = (req: Request): PageContext => ({
    signedIn: isDinteroUser(req.user),
    csrfToken: () => csrfToken(req),
    emulator: options.demo !== undefined,
  })
  const send = (res: Response, status: number, page: SafeHtml) => {
    res.status(status).type('html').send(page.value)
  }
  const showError = (req: Request, res: Response, view: ErrorView) => send(res, view.status, errorPage(pageContext(req), view))
  const showLogin = (req: Request, res: Response, status: number, view: LoginView) =>
    send(res, status, loginPage(pageContext(req), { ...view, demo: options.demo, demoMfa: options.demoMfa }))
  /** The code page while a sign-in waits for its code; the sign-in page (with `view.error`) once it does not. */
  const showCode = (req: Request, res: Response, status: number, view: Pick<CodeView, 'error' | 'notice'>) => {
    const pending = strategy.pendingMfa(req)
    if (!pending) return showLogin(req, res, status, { error: view.error })
    const { channel, resendsLeft } = pending
    send(res, status, codePage(pageContext(req), { ...view, channel, resendsLeft, emulator: options.demo !== undefined }))
  }
  const showCodeFailure = (req: Request, res: Response, failure: LoginFailure) => showCode(req, res, failure.status, { error: failure.message })
  const showForgot = (req: Request, res: Response, status: number, view: Omit<ForgotPasswordView, 'emulator'>) =>
    send(res, status, forgotPasswordPage(pageContext(req), { ...view, emulator: options.demo !== undefined }))
  const showSignup = (req: Request, res: Response, status: number, view: SignupView) => send(res, status, signupPage(pageContext(req), view))

  const app = express()
  app.set('trust proxy', options.trustProxy ?? false)
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'style-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          // Upgrading subresources to https only makes sense when the site is served over https.
          'upgrade-insecure-requests': secure ? [] : null,
        },
      },
      strictTransportSecurity: secure,
    }),
  )
  app.get('/styles.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(STYLES)
  })
  app.get('/favicon.svg', (_req, res) => {
    res.type('svg').set('Cache-Control', 'public, max-age=86400').send(FAVICON)
  })
  app.use((_req, res, next) => {
    // Pages show who is signed in and carry CSRF tokens: never keep them in a cache.
    res.set('Cache-Control', 'no-store')
    next()
  })
  app.use(express.urlencoded({ extended: false, limit: '10kb' }))
  app.use(
    session({
      name: 'sid',
      secret: options.sessionSecret,
      store: options.sessionStore,
      resave: false,
      // No session (and no cookie) until there is something to keep: a CSRF token or a user.
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: options.sessionMaxAge ?? EIGHT_HOURS },
    }),
  )
  app.use(auth.initialize())
  app.use(auth.session())
  // Keeps the signed-in customer's tokens fresh; signs them out when Dintero refuses the refresh token.
  app.use(refreshTokens(strategy, { window: options.refreshWindow }))

  const loginLimit = options.loginRateLimit ?? {}
  const windowMs = loginLimit.windowMs ?? 15 * 60 * 1000
  const waitWords = (ms: number) => {
    const minutes = Math.max(1, Math.ceil(ms / 60_000))
    return minutes === 1 ? 'a minute' : `${minutes} minutes`
  }
  const limiter = (
    name: string,
    limit: number,
    window: number,
    countAll: boolean,
    onLimit: RequestHandler,
    byKey?: (req: Request) => string | undefined,
  ) =>
    rateLimit({
      windowMs: window,
      limit,
      skipSuccessfulRequests: !countAll,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      ...(options.rateLimitStore ? { store: options.rateLimitStore(name) } : {}),
      ...(byKey ? { keyGenerator: (req: Request) => byKey(req) ?? '', skip: (req: Request) => byKey(req) === undefined } : {}),
      handler: onLimit,
    })
  // Before the CSRF check, so a flood of forged or stale forms counts too. One budget for passwords,
  // codes and resends: refused codes count like refused passwords.
  app.post(
    ['/login', MFA_PATH, `${MFA_PATH}/resend`],
    limiter('login', loginLimit.limit ?? 10, windowMs, false, (req, res) =>
      showLogin(req, res, 429, { error: `Too many sign-in attempts. Wait ${waitWords(windowMs)} and try again.` }),
    ),
  )
  // Every sign-up counts (each one can tell whether an address is taken), and every reset request
  // (each one sends an email): a budget of their own, so they never lock anyone out of signing in.
  const accountLimit = options.accountRateLimit ?? {}
  const accountWindow = accountLimit.windowMs ?? 15 * 60 * 1000
  app.post(
    '/signup',
    limiter('signup', accountLimit.limit ?? 5, accountWindow, true, (req, res) =>
      showSignup(req, res, 429, { error: `Too many attempts to create an account. Wait ${waitWords(accountWindow)} and try again.` }),
    ),
  )
  const tooManyResets: RequestHandler = (req, res) =>
    showForgot(req, res, 429, { error: `Too many requests for a new password. Wait ${waitWords(accountWindow)} and try again.` })
  // Per IP, and per address as well: otherwise many IPs could flood one inbox. Every request counts,
  // known address or not, so no counter tells them apart. The key is a hash: no address in the store.
  app.post(
    '/forgot-password',
    limiter('reset', accountLimit.limit ?? 5, accountWindow, true, tooManyResets),
    limiter('reset-address', accountLimit.limit ?? 5, accountWindow, true, tooManyResets, (req) => {
      const email = formText(req.body, 'email').trim().toLowerCase()
      return email === '' ? undefined : createHash('sha256').update(email).digest('base64url')
    }),
  )
  app.use(
    requireCsrfToken((req, res) =>
      showError(req, res, {
        status: 403,
        title: 'This form has expired',
        message: 'For your safety the form was not accepted. Open the page again and retry.',
        next: { href: '/login', label: 'Go to sign in' },
      }),
    ),
  )

  const requireSignedIn: RequestHandler = (req, res, next) => {
    if (isDinteroUser(req.user)) return next()
    res.redirect('/login')
  }

  app.get('/', (req, res) => send(res, 200, homePage(pageContext(req))))

  app.get('/login', (req, res) => {
    if (isDinteroUser(req.user)) return res.redirect('/account')
    showLogin(req, res, 200, { notice: req.query['signed_out'] !== undefined ? 'You have signed out.' : undefined })
  })

  app.post('/login', (req, res, next) => {
    // A custom callback makes @types/passport type the middleware as any.
    const authenticate = auth.authenticate(strategy.name, (err: unknown, user: Express.User | false | null, info: unknown, status: unknown) => {
      if (err) return next(err)
      if (!user) {
        const body = (req.body ?? {}) as Record<string, unknown>
        const username = typeof body['email'] === 'string' ? body['email'].slice(0, 320) : ''
        const password = typeof body['password'] === 'string' ? body['password'] : ''
        const failure = describeLoginFailure(info, typeof status === 'number' ? status : undefined, {
          username: username.trim() !== '',
          password: password !== '',
        })
        return showLogin(req, res, failure.status, { error: failure.message, username })
      }
      // Passport regenerates the session here: a session id known before sign-in is useless after it.
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/account')))
    }) as RequestHandler
    authenticate(req, res, next)
  })

  app.get('/forgot-password', (req, res) => {
    if (isDinteroUser(req.user)) return res.redirect('/account')
    showForgot(req, res, 200, {})
  })

  app.post('/forgot-password', (req, res, next) => {
    const email = formText(req.body, 'email')
    strategy.requestPasswordReset(email).then((result) => {
      if (!result.requested) {
        const error = email.trim() === '' ? 'Enter the email address of your account.' : 'Enter a valid email address, e.g. you@example.com.'
        return showForgot(req, res, 400, { error, email })
      }
      // The same page and words whether or not the address has an account: nothing here tells them apart.
      showForgot(req, res, 200, { notice: result.message })
    }, next)
  })

  app.get('/signup', (req, res) => {
    if (isDinteroUser(req.user)) return res.redirect('/account')
    showSignup(req, res, 200, {})
  })

  app.post('/signup', (req, res, next) => {
    const username = formText(req.body, 'email')
    const password = formText(req.body, 'password')
    const values = { firstName: formText(req.body, 'first_name'), lastName: formText(req.body, 'last_name'), username }
    strategy
      .createCustomer({ username, password, firstName: values.firstName, lastName: values.lastName })
      .then((result) => {
        if (!result.created) {
          const failure = describeSignupRefusal(result, { username: username.trim() !== '', password: password !== '' })
          return showSignup(req, res, failure.status, { error: failure.message, values })
        }
        // The new customer signs in exactly as at POST /login: the same strategy with the same form, so
        // the token is verified and the session regenerated. No shortcut from "created" to "signed in".
        const authenticate = auth.authenticate(strategy.name, (err: unknown, user: Express.User | false | null) => {
          if (err) return next(err)
          if (!user) return showLogin(req, res, 200, { notice: 'Your account was created. Sign in with your new password.', username })
          req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/account')))
        }) as RequestHandler
        authenticate(req, res, next)
      }, next)
  })

  if (dintero.mfa !== 'off') {
    // Step 2 of a sign-in whose account requires a one-time code: the strategy redirects here after
    // the password, and keeps the pending sign-in in the session (nothing of it is in this page).
    app.get(MFA_PATH, (req, res) => {
      if (isDinteroUser(req.user)) return res.redirect('/account')
      if (!strategy.pendingMfa(req)) return res.redirect('/login')
      showCode(req, res, 200, {})
    })

    app.post(MFA_PATH, (req, res, next) => {
      // A custom callback makes @types/passport type the middleware as any.
      const authenticate = auth.authenticate(strategy.name, (err: unknown, user: Express.User | false | null, info: unknown, status: unknown) => {
        if (err) return next(err)
        if (!user) return showCodeFailure(req, res, describeCodeFailure(info, typeof status === 'number' ? status : undefined))
        req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/account')))
      }) as RequestHandler
      authenticate(req, res, next)
    })

    app.post(`${MFA_PATH}/resend`, (req, res, next) => {
      strategy.resendCode(req).then((result) => {
        if (result.sent) showCode(req, res, 200, { notice: 'We sent you a new code. The previous one no longer works.' })
        else showCodeFailure(req, res, describeCodeFailure(result.info, result.status))
      }, next)
    })
  }

  app.get('/account', requireSignedIn, (req, res) => {
    if (!isDinteroUser(req.user)) return
    const { claims, tokens } = req.user
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
    send(
      res,
      200,
      accountPage(pageContext(req), {
        name: text(claims['name']),
        email: text(claims['email']),
        phone: text(claims['phone_number']),
        customerId: claims.sub,
        expiresAt: tokens.expiresAt,
        now: now(),
      }),
    )
  })

  // Revokes the refresh token at Dintero, then signs out and destroys the session. A failed revoke is
  // logged and never keeps anyone signed in.
  const signOut = logout(strategy, {
    onRevokeError: (err) => log(`example-app: could not revoke the refresh token at Dintero: ${describeError(err)}`),
  })
  app.post('/logout', signOut, (_req, res) => res.redirect(303, '/login?signed_out'))

  app.use((req, res) =>
    showError(req, res, {
      status: 404,
      title: 'Page not found',
      message: 'There is no page at this address. Check the link, or start again from the home page.',
    }),
  )

  const onError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err)
    const accountPage = req.path === '/signup' || req.path === '/forgot-password'
    if (isUpstreamError(err)) {
      log(`example-app: Dintero is unavailable: ${describeError(err)}`)
      return showError(req, res, {
        status: 503,
        title: accountPage ? 'This is unavailable right now' : 'Sign-in is unavailable right now',
        message: accountPage
          ? 'We could not reach Dintero, which keeps the customer accounts. Please try again in a few minutes.'
          : 'We could not reach Dintero, which checks your password. Your account is fine. Please try again in a few minutes.',
        next: { href: accountPage ? req.path : '/login', label: 'Try again' },
      })
    }
    if ((err as { code?: unknown } | null)?.code === 'ERR_DINTERO_RATE_LIMITED') {
      return showError(req, res, {
        status: 429,
        title: 'Too many attempts',
        message: 'Dintero is getting too many requests right now. Wait a minute and try again.',
        next: { href: accountPage ? req.path : '/login', label: 'Try again' },
      })
    }
    const status = (err as { status?: unknown } | null)?.status
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A request we could not read (malformed or oversized form): the client's doing, nothing to log.
      return showError(req, res, { status, title: 'That did not work', message: 'The request could not be read. Go back and try again.' })
    }
    log(`example-app: request failed: ${describeError(err)}`)
    showError(req, res, {
      status: 500,
      title: 'Something went wrong',
      message: 'Sorry, something went wrong on our side. Please try again in a moment.',
    })
  }
  app.use(onError)
  return app
}

/** A text field of the form: own properties only, a string or nothing, bounded. */
function formText(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null && Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value.slice(0, 1000) : ''
}

/**
 * One line about an error for the server log: name, code and message, never the whole error (some carry
 * their input as a property, which util.inspect would print) nor a thrown non-Error value. The library's
 * messages hold no secrets.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err
  const code = (err as { code?: unknown }).code
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`
}
