// A TypeScript app (tsc --strict, module nodenext, skipLibCheck off so the package's .d.ts are
// checked too) on Express 5: typed options, both verify overloads and a typed `req.user`.
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import {
  type DinteroClaims,
  type DinteroCreateCustomerResult,
  type DinteroPasswordResetResult,
  DinteroPasswordStrategy,
  type DinteroStrategyOptions,
  type DinteroTokens,
  type VerifyDone,
} from 'passport-dintero'
import { DinteroEmulator } from 'passport-dintero/testing'
import type { AddressInfo } from 'node:net'

/** The app's user, as `req.user` sees it everywhere: the augmentation the README documents. */
interface AppUser {
  id: string
  email: string | undefined
  via: 'done' | 'promise'
  tokens: DinteroTokens
}
declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AppUser {}
  }
}

const emulator = new DinteroEmulator()
await emulator.start()
const user = emulator.addUser({ email: process.env['USER_EMAIL']!, password: process.env['USER_PASSWORD']! })

const options: DinteroStrategyOptions = {
  accountId: emulator.accountId,
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  baseUrl: emulator.baseUrl,
  timeout: 5_000,
}
// @ts-expect-error timeout is a number of milliseconds, not a string
const badOptions: DinteroStrategyOptions = { ...options, timeout: '5s' }
void badOptions

// verify(tokens, claims, done)
passport.use(
  new DinteroPasswordStrategy(options, (tokens: DinteroTokens, claims: DinteroClaims, done: VerifyDone) => {
    done(null, { id: claims.sub, email: typeof claims['email'] === 'string' ? claims['email'] : undefined, via: 'done', tokens })
  }),
)
// verify(req, tokens, claims), passReqToCallback: true, returning a promise
passport.use(
  new DinteroPasswordStrategy({ ...options, name: 'dintero-req', passReqToCallback: true }, async (req, tokens, claims) => {
    const ip: string | undefined = req.ip
    if (ip === undefined) return false
    return { id: claims.sub, email: typeof claims['email'] === 'string' ? claims['email'] : undefined, via: 'promise', tokens }
  }),
)
// @ts-expect-error with passReqToCallback: true the first argument of verify is the request, not the tokens
new DinteroPasswordStrategy({ ...options, passReqToCallback: true }, (tokens: DinteroTokens, claims: DinteroClaims, done: VerifyDone) => done(null, false))

// The sign-in page's two links: typed results an app narrows on.
const helpers = new DinteroPasswordStrategy(options)
const reset: DinteroPasswordResetResult = await helpers.requestPasswordReset('nobody@example.com')
if (!reset.requested) throw new Error(reset.message)
// @ts-expect-error a reset's result never says whether the address has an account
void reset.exists
const created: DinteroCreateCustomerResult = await helpers.createCustomer({ username: 'consumer-new@example.com', password: 'consumer-password' })
if (!created.created) throw new Error(`sign-up refused: ${created.reason}`)
const newCustomerId: string = created.customerId
void newCustomerId

passport.serializeUser((u: Express.User, done) => done(null, u))
passport.deserializeUser((u: Express.User, done) => done(null, u))

const app = express()
app.use(express.urlencoded({ extended: false }))
app.use(session({ secret: 'consumer-test-secret', resave: false, saveUninitialized: false }))
app.use(passport.session())
app.post('/login', passport.authenticate('dintero', { successRedirect: '/me', failureRedirect: '/login-failed' }))
app.post('/login-req', passport.authenticate('dintero-req', { successRedirect: '/me', failureRedirect: '/login-failed' }))
app.get('/me', (req, res) => {
  if (!req.user) {
    res.status(401).json({ signedIn: false })
    return
  }
  // Typed through the augmentation: no casts.
  const { id, email, via, tokens } = req.user
  // @ts-expect-error the augmented user has no such field
  void req.user.nope
  res.json({ signedIn: true, id, email, via, expiresAt: tokens.expiresAt })
})
app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.redirect('/'))))

const server = app.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.stdout.write(JSON.stringify({ url, userId: user.id }) + '\n')
})
