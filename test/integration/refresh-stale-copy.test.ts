/**
 * Review of issue 14 (rotating refresh across instances): a request on one instance that loaded the
 * session before another instance rotated its refresh token, and saves its copy afterwards, must not
 * put the spent refresh token back into the store. Before the fix the copy won (last write wins), and
 * the next refresh, sent with the spent token, was refused: the customer was signed out.
 */
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { expect } from 'chai'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { DinteroPasswordStrategy, deserializeUser, refreshTokens, serializeUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { LatencyStore } from '../support/latency-store.js'

const TRIALS = 5

describe('rotating refresh tokens: a stale copy saved on another instance does not put a spent refresh token back', function () {
  this.timeout(60_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e), { rotateRefreshTokens: true })
  const servers: http.Server[] = []
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      server.close()
    }
  })

  /** One instance (its own strategy) on `store`, refreshing when the token has less than `window` seconds left. */
  async function start(store: session.Store, window: number): Promise<string> {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    const auth = new passport.Passport()
    auth.use(strategy)
    auth.serializeUser(serializeUser)
    auth.deserializeUser(deserializeUser)
    const app = express()
    app.use(express.json())
    app.use(session({ secret: 'stale-copy-secret', resave: false, saveUninitialized: false, store }))
    app.use(auth.session())
    app.use(refreshTokens(strategy, { window }))
    app.post('/login', auth.authenticate(strategy.name), (_req, res) => {
      res.json({ ok: true })
    })
    // A slow page that writes to the session: it loaded the session long before it saves it.
    app.get('/slow-touch', (req, res) => {
      const s = req.session as any
      s.views = (s.views ?? 0) + 1
      setTimeout(() => res.json({ signedIn: !!req.user }), 100)
    })
    app.get('/me', (req, res) => {
      res.json({ signedIn: !!req.user })
    })
    const server: http.Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    servers.push(server)
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it(`the customer stays signed in, in ${TRIALS} of ${TRIALS} trials`, async () => {
    const store = new LatencyStore()
    // a refreshes on every request (its window is longer than the token's life), b never does.
    const a = await start(store, 86_400)
    const b = await start(store, 0)
    const get = async (base: string, path: string, cookie: string) => (await (await fetch(base + path, { headers: { cookie } })).json()) as any
    let signedOut = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const res = await fetch(`${b}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: KARI.email, password: KARI.password }),
      })
      expect(res.status).to.equal(200)
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!
      const page = get(b, '/slow-touch', cookie)
      await new Promise((resolve) => setTimeout(resolve, 30)) // the page has loaded the session
      expect((await get(a, '/me', cookie)).signedIn, 'first refresh on a').to.equal(true)
      await page
      // a refreshes again, with whatever refresh token the store holds now.
      if (!(await get(a, '/me', cookie)).signedIn) signedOut += 1
    }
    expect(signedOut, 'trials where the customer was signed out').to.equal(0)
  })
})
