/**
 * Review of issue 14 (rotating refresh across instances): a request on one instance that loaded the
 * session before another instance rotated its refresh token, and saves its copy afterwards, must not
 * put the spent refresh token back into the store. Before the fix the copy won (last write wins), and
 * the next refresh, sent with the spent token, was refused: the customer was signed out.
 */
import { expect } from 'chai'
import type session from 'express-session'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { getJson, signInCookie, startApp, type TestApp, touchRoute } from '../support/app.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { LatencyStore } from '../support/latency-store.js'

const TRIALS = 5

describe('rotating refresh tokens: a stale copy saved on another instance does not put a spent refresh token back', function () {
  this.timeout(60_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e), { rotateRefreshTokens: true })
  const apps: TestApp[] = []
  afterEach(() => Promise.all(apps.splice(0).map((app) => app.close())))

  /** One instance (its own strategy) on `store`, refreshing when the token has less than `window` seconds left. */
  async function start(store: session.Store, window: number): Promise<string> {
    const app = await startApp(strategyOptions(emu), undefined, {
      store,
      refresh: { window },
      // A slow page that writes to the session: it loaded the session long before it saves it.
      routes: (express) => express.get('/slow-touch', touchRoute(100)),
    })
    apps.push(app)
    return app.url
  }

  it(`the customer stays signed in, in ${TRIALS} of ${TRIALS} trials`, async () => {
    const store = new LatencyStore()
    // a refreshes on every request (its window is longer than the token's life), b never does.
    const a = await start(store, 86_400)
    const b = await start(store, 0)
    const get = (base: string, path: string, cookie: string) => getJson(base + path, cookie)
    let signedOut = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const cookie = await signInCookie(b, KARI)
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
