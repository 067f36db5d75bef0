/**
 * A cookie-only session on Express (what cookie-session looks like to the package: `req.session` as a
 * plain object, no `sessionID`, no store): no sign-in may put the customer's tokens into it, whether or
 * not Dintero issued a refresh token. The access token is a bearer secret too.
 */
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { expect } from 'chai'
import express from 'express'
import passport from 'passport'
import { DinteroPasswordStrategy, deserializeUser, serializeUser } from '../../lib/index.js'
import { SCOPE_LOGIN, SCOPE_READ_ACCOUNTS } from '../../lib/testing/options.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator, strategyOptions } from '../support/emulator.js'

describe('a cookie-only session on Express', function () {
  for (const [name, scopes, secret] of [
    ['with a refresh token', undefined, 'refresh token'],
    ['without a refresh token (client without create:accounts:auth:refresh_token)', [SCOPE_LOGIN, SCOPE_READ_ACCOUNTS], 'access token'],
  ] as const) {
    it(`refuses the sign-in ${name}: the tokens would be stored in the browser's cookie`, async () => {
      const emu = await startEmulator(scopes ? { clientScopes: [...scopes] } : {})
      const auth = new passport.Passport()
      auth.use(new DinteroPasswordStrategy(strategyOptions(emu)))
      auth.serializeUser(serializeUser)
      auth.deserializeUser(deserializeUser)
      const app = express()
      app.use(express.urlencoded({ extended: false }))
      // cookie-session's shape: data as properties of req.session, with no id and no store.
      app.use((req, _res, next) => {
        ;(req as unknown as { session: object }).session = {}
        next()
      })
      app.use(auth.session())
      app.post('/login', auth.authenticate('dintero', { failWithError: true }), (_req, res) => {
        res.json({ signedIn: true })
      })
      app.use((err: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ message: err.message, status: err.status })
      })
      const server: http.Server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s))
      })
      try {
        const browser = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
        const res = await browser.post('/login', { email: KARI.email, password: KARI.password })
        expect(res.status).to.equal(500)
        expect(res.json.message).to.equal(
          `DinteroPasswordStrategy: refusing a cookie-only session (cookie-session, @fastify/secure-session): the ${secret} would be stored in the browser's cookie; use express-session or @fastify/session with a server-side store`,
        )
        // A refusal carries no tokens: it stays a plain fail (Passport's 401 AuthenticationError with
        // failWithError), not an error, in a cookie-only session.
        const refused = await browser.post('/login', { email: KARI.email, password: 'wrong-password-1' })
        expect(refused.json).to.deep.equal({ message: 'Unauthorized', status: 401 })
      } finally {
        await new Promise((resolve) => server.close(resolve))
        await emu.stop()
      }
    })
  }
})
