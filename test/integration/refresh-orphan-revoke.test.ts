/**
 * A session ended in the store while its refresh is under way revokes the refresh token nobody keeps
 * (ddd34e1), and only that one: the same customer signed in on another session (Dintero issues each
 * sign-in its own refresh token) stays signed in and keeps refreshing. Without rotation.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'

describe('refresh: an orphaned refresh token is revoked, no other one', function () {
  this.timeout(20_000)
  let emu: DinteroEmulator
  let app: TestApp | undefined
  useEmulator((e) => (emu = e), { accessTokenTtl: 2 })
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function signedIn(): Promise<Map<string, { accessToken: string; refreshToken: string; expiresAt: number }>> {
    const all = await app!.sessions()
    return new Map(Object.entries(all).filter(([, s]) => s.passport?.user).map(([sid, s]) => [sid, s.passport.user.tokens]))
  }

  it('two sessions of one customer: ending one during its refresh leaves the other signed in', async () => {
    emu.revokeAllRefreshTokens()
    app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu)), { refresh: { window: 0.5 } })
    const first = new Browser(app.url)
    expect((await first.post('/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
    const [sid1, tokens1] = [...(await signedIn())][0]!
    const second = new Browser(app.url)
    expect((await second.post('/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
    const [sid2, tokens2] = [...(await signedIn())].find(([sid]) => sid !== sid1)!
    expect(tokens2.refreshToken, 'each sign-in its own refresh token').to.not.equal(tokens1.refreshToken)
    expect(emu.activeRefreshTokens()).to.equal(2)

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tokens1.expiresAt - Date.now() + 25)))
    emu.fault('refresh', { answerDelayMs: 400, times: 1 })
    const page = first.get('/me')
    await new Promise((resolve) => setTimeout(resolve, 100))
    await new Promise((resolve) => app!.store.destroy(sid1, resolve)) // ended in the store (an admin, its expiry)
    expect((await page).json.signedIn).to.equal(false)
    for (let i = 0; i < 100 && emu.isRefreshTokenActive(tokens1.refreshToken); i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(emu.isRefreshTokenActive(tokens1.refreshToken), 'the orphaned token').to.equal(false)
    expect(emu.isRefreshTokenActive(tokens2.refreshToken), "the other session's token").to.equal(true)

    // The other session, its access token expired too, refreshes with its own token and stays signed in.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tokens2.expiresAt - Date.now() + 25)))
    const other = await second.get('/me')
    expect(other.json.signedIn).to.equal(true)
    expect(other.json.expiresAt).to.be.greaterThan(tokens2.expiresAt)
    expect((await signedIn()).get(sid2)?.refreshToken).to.equal(tokens2.refreshToken)
  })
})
