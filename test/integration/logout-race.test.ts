/**
 * Regression (issue 14, finding 3): a signed-out session never comes back. A second client using the
 * same cookie has requests in flight that loaded the session before the sign-out and write to it after
 * (a counter), through a store with 1–4 ms latency per call. Before the fix, a request that reached
 * the refresh middleware after the sign-out saved its signed-in copy back under the old id.
 */
import { expect } from 'chai'
import type session from 'express-session'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { getJson, signInCookie, startApp, type TestApp, touchRoute } from '../support/app.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { LatencyStore } from '../support/latency-store.js'

const TRIALS = 20
const WRITERS = 8

describe('a signed-out session never comes back (requests in flight at sign-out)', function () {
  this.timeout(60_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const apps: TestApp[] = []
  let url: string
  afterEach(() => Promise.all(apps.splice(0).map((app) => app.close())))

  /** One instance (its own strategy) on `store`; resolves to its URL. */
  async function start(store: session.Store = new LatencyStore()): Promise<string> {
    const app = await startApp(strategyOptions(emu), undefined, {
      store,
      refresh: {},
      logout: {},
      routes: (express) => {
        express.get('/touch', touchRoute(0))
        // A slow page that writes to the session: it loaded the session long before it saves it.
        express.get('/slow-touch', touchRoute(60))
      },
    })
    apps.push(app)
    url = app.url
    return url
  }

  const signIn = () => signInCookie(url, KARI)
  const get = (path: string, cookie: string, base = url) => getJson(base + path, cookie)

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
