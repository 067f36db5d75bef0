/**
 * Regression (issue 14, finding 3): a signed-out session never comes back. A second client using the
 * same cookie has requests in flight that loaded the session before the sign-out and write to it after
 * (a counter), through a store with 1–4 ms latency per call. Before the fix, a request that reached
 * the refresh middleware after the sign-out saved its signed-in copy back under the old id.
 */
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { expect } from 'chai'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { DinteroPasswordStrategy, deserializeUser, logout, refreshTokens, serializeUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { LatencyStore } from '../support/latency-store.js'

const TRIALS = 20
const WRITERS = 8

describe('a signed-out session never comes back (requests in flight at sign-out)', function () {
  this.timeout(60_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const servers: http.Server[] = []
  let url: string
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      server.close()
    }
  })

  /** One instance (its own strategy) on `store`; resolves to its URL. */
  async function start(store: session.Store = new LatencyStore()): Promise<string> {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    const auth = new passport.Passport()
    auth.use(strategy)
    auth.serializeUser(serializeUser)
    auth.deserializeUser(deserializeUser)
    const app = express()
    app.use(express.json())
    app.use(session({ secret: 'race-secret', resave: false, saveUninitialized: false, store }))
    app.use(auth.session())
    app.use(refreshTokens(strategy))
    app.post('/login', auth.authenticate(strategy.name), (_req, res) => {
      res.json({ ok: true })
    })
    app.post('/logout', logout(strategy), (_req, res) => {
      res.json({ ok: true })
    })
    // A page that writes to the session: express-session saves it when the response ends.
    app.get('/touch', (req, res) => {
      const s = req.session as any
      s.views = (s.views ?? 0) + 1
      res.json({ signedIn: !!req.user })
    })
    // A slow page that writes to the session: it loaded the session long before it saves it.
    app.get('/slow-touch', (req, res) => {
      const s = req.session as any
      s.views = (s.views ?? 0) + 1
      setTimeout(() => res.json({ signedIn: !!req.user }), 60)
    })
    app.get('/me', (req, res) => {
      res.json({ signedIn: !!req.user })
    })
    const server: http.Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    servers.push(server)
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return url
  }

  async function signIn(): Promise<string> {
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: KARI.email, password: KARI.password }),
    })
    expect(res.status).to.equal(200)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  const get = async (path: string, cookie: string, base = url) => (await (await fetch(base + path, { headers: { cookie } })).json()) as any

  it(`zero resurrections in ${TRIALS} trials`, async () => {
    await start()
    let resurrected = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const cookie = await signIn()
      // The second client: writers spread over the moment of the sign-out.
      const writers = Array.from(
        { length: WRITERS },
        (_, i) => new Promise<void>((resolve) => setTimeout(() => void get('/touch', cookie).then(() => resolve()), i * 1.5)),
      )
      const out = fetch(`${url}/logout`, { method: 'POST', headers: { cookie } }).then((r) => r.json())
      await Promise.all([out, ...writers])
      if ((await get('/me', cookie)).signedIn) resurrected += 1
    }
    expect(resurrected, 'trials where the old cookie was signed in again').to.equal(0)
  })

  it(`two instances sharing the store: a slow page on one, signed out on the other meanwhile: zero resurrections in ${TRIALS / 2} trials`, async () => {
    const store = new LatencyStore()
    const b = await start(store)
    const a = await start(store) // signIn() and logout go to the last instance started
    let resurrected = 0
    for (let trial = 0; trial < TRIALS / 2; trial++) {
      const cookie = await signIn()
      const page = get('/slow-touch', cookie, b)
      await new Promise((resolve) => setTimeout(resolve, 15)) // the page has loaded the session
      await fetch(`${a}/logout`, { method: 'POST', headers: { cookie } })
      await page
      if ((await get('/me', cookie, b)).signedIn || (await get('/me', cookie, a)).signedIn) resurrected += 1
    }
    expect(resurrected, 'trials where the old cookie was signed in again').to.equal(0)
  })
})
