/**
 * The safe default (issue 17, finding 1): a session whose access token expired beyond the clock
 * tolerance and that nothing refreshed is not signed in; refreshTokens still gets its chance first,
 * mounted before or after passport.session(). Over real HTTP: Express 5 + express-session + Passport
 * against an emulator whose access tokens live 2 seconds, with `clockTolerance: 0`.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { type AppExtras, startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'

const creds = { email: KARI.email, password: KARI.password }

/** Resolves just after `expiresAt` (ms since epoch) has passed. */
function untilExpired(expiresAt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 25 - Date.now())))
}

describe('expiry guard: an expired, unrefreshed session is not signed in', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e), { accessTokenTtl: 2 })
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function signedInBrowser(extras: AppExtras): Promise<{ browser: Browser; expiresAt: number }> {
    app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu, { clockTolerance: 0 })), extras)
    const browser = new Browser(app.url)
    emu.revokeAllRefreshTokens() // count only this test's refresh token
    expect((await browser.post('/login', creds)).status).to.equal(200)
    const me = await browser.get('/me')
    expect(me.json.signedIn).to.equal(true)
    emu.resetCounts()
    return { browser, expiresAt: me.json.expiresAt }
  }

  it('without refreshTokens: signed in until exp, signed out after it (and the store forgets the user)', async () => {
    const { browser, expiresAt } = await signedInBrowser({})
    await untilExpired(expiresAt)
    const me = await browser.get('/me')
    expect(me.status).to.equal(401)
    expect(me.json.signedIn).to.equal(false)
    const users = Object.values(await app!.sessions()).map((s) => s.passport?.user)
    expect(users.filter(Boolean)).to.have.length(0)
    expect(emu.count('refresh')).to.equal(0)
  })

  for (const before of [false, true]) {
    it(`refreshTokens mounted ${before ? 'before' : 'after'} passport.session(): refreshed once, still signed in`, async () => {
      const { browser, expiresAt } = await signedInBrowser({ refresh: { window: 0.5 }, refreshBeforeSession: before })
      await untilExpired(expiresAt)
      const me = await browser.get('/me')
      expect(me.status).to.equal(200)
      expect(me.json.signedIn).to.equal(true)
      expect(me.json.expiresAt).to.be.greaterThan(expiresAt)
      expect(emu.count('refresh')).to.equal(1)
      const again = await browser.get('/me')
      expect(again.json.expiresAt).to.equal(me.json.expiresAt)
      expect(emu.count('refresh')).to.equal(1)
    })

    it(`refreshTokens mounted ${before ? 'before' : 'after'} passport.session(): a refused refresh signs out`, async () => {
      const { browser, expiresAt } = await signedInBrowser({ refresh: { window: 0.5 }, refreshBeforeSession: before })
      emu.revokeAllRefreshTokens()
      await untilExpired(expiresAt)
      const me = await browser.get('/me')
      expect(me.status).to.equal(401)
      expect(emu.count('refresh')).to.equal(1)
      const users = Object.values(await app!.sessions()).map((s) => s.passport?.user)
      expect(users.filter(Boolean)).to.have.length(0)
    })
  }

  it('without logout(strategy): a plain req.logout() signs out locally but leaves the refresh token active at Dintero', async () => {
    const { browser } = await signedInBrowser({
      routes: (a) =>
        a.post('/plain-logout', (req, res, next) => {
          req.logout((err) => (err ? next(err) : res.json({ signedIn: !!req.user })))
        }),
    })
    expect(emu.activeRefreshTokens()).to.equal(1)
    expect((await browser.post('/plain-logout', {})).json.signedIn).to.equal(false)
    expect((await browser.get('/me')).status).to.equal(401)
    expect(emu.count('revoke')).to.equal(0)
    expect(emu.activeRefreshTokens()).to.equal(1)
  })

  it('with logout(strategy): signed out and the refresh token revoked at Dintero', async () => {
    const { browser } = await signedInBrowser({ logout: {} })
    expect(emu.activeRefreshTokens()).to.equal(1)
    expect((await browser.post('/logout', {})).json.signedIn).to.equal(false)
    expect((await browser.get('/me')).status).to.equal(401)
    expect(emu.activeRefreshTokens()).to.equal(0)
  })
})
