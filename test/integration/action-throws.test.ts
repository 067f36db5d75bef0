/**
 * When a Passport action throws (an application's own authenticate callback, say), the error reaches
 * Express's error handler: the request gets an answer and no unhandled rejection ends the process.
 */
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { DinteroPasswordStrategy, serializeUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { captureDebugLogs } from '../support/secrets.js'

describe('a Passport action that throws', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))

  it('goes to the Express error handler, for success and for fail alike', async () => {
    const auth = new passport.Passport()
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    auth.use(strategy)
    auth.serializeUser(serializeUser)
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)

    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use(session({ secret: 'test', resave: false, saveUninitialized: false }))
    app.post('/login', (req, res, next) => {
      auth.authenticate('dintero', (_err: unknown, user: unknown) => {
        throw new Error(user ? 'callback threw after success' : 'callback threw after fail')
      })(req, res, next)
    })
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ handled: err.message })
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`
    const post = (password: string) =>
      fetch(url, { method: 'POST', body: new URLSearchParams({ email: KARI.email, password }), signal: AbortSignal.timeout(5000) })
    const capture = captureDebugLogs()
    try {
      const ok = await post(KARI.password)
      expect(ok.status).to.equal(500)
      expect(await ok.json()).to.deep.equal({ handled: 'callback threw after success' })
      const refused = await post('wrong-password-1')
      expect(refused.status).to.equal(500)
      expect(await refused.json()).to.deep.equal({ handled: 'callback threw after fail' })
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).to.deep.equal([])
      // The operator sees why, in the debug log, once per request.
      expect(capture.lines.filter((line) => /passport-dintero:strategy a Passport action threw/.test(line))).to.have.length(2)
    } finally {
      capture.stop()
      process.off('unhandledRejection', onUnhandled)
      server.close()
      strategy._client.close()
    }
  })
})
