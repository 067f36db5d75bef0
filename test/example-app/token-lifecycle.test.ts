/**
 * The example app keeps tokens fresh and revokes at sign-out: /account shows the new expiry after a
 * refresh (2 s access tokens; waits derived from the token's own expiry).
 */
import { expect } from 'chai'
import { DEMO_USER } from '../../example-app/demo.js'
import { csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

/** The expiry the account page shows, in ms since epoch. */
function shownExpiry(html: string): number {
  return Date.parse(/<time datetime="([^"]+)"/.exec(html)![1]!)
}

async function storedTokens(app: RunningExample): Promise<any> {
  const users = Object.values(await app.sessions())
    .map((s) => s.passport?.user)
    .filter(Boolean)
  expect(users).to.have.length(1)
  return users[0].tokens
}

describe('example app: staying signed in and signing out', () => {
  let app: RunningExample
  beforeEach(async () => {
    app = await startExample({ refreshWindow: 0.5 }, { accessTokenTtl: 2 })
  })
  afterEach(() => app.close())

  it('refreshes an expired access token once, and /account shows the new expiry', async () => {
    const browser = app.browser()
    await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const first = await browser.get('/account')
    const firstExpiry = shownExpiry(first.text)
    expect(firstExpiry).to.equal((await storedTokens(app)).expiresAt)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry - Date.now() + 25)))

    const refreshed = await browser.get('/account')
    expect(refreshed.status).to.equal(200)
    expect(refreshed.text).to.include('Hello, Demo Customer')
    const newExpiry = shownExpiry(refreshed.text)
    expect(newExpiry).to.be.greaterThan(firstExpiry)
    expect(newExpiry).to.equal((await storedTokens(app)).expiresAt)
    expect(app.emulator.count('refresh')).to.equal(1)
  })

  it('signing out revokes the refresh token once at Dintero', async () => {
    const browser = app.browser()
    await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const account = await browser.get('/account')
    const { refreshToken } = await storedTokens(app)
    const res = await browser.post('/logout', { _csrf: csrfFrom(account.text) })
    expect(res.status).to.equal(303)
    expect(res.location).to.equal('/login?signed_out')
    expect(app.emulator.count('revoke')).to.equal(1)
    expect(app.emulator.isRefreshTokenActive(refreshToken)).to.equal(false)
    expect((await browser.get('/account')).location).to.equal('/login')
  })

  it('signs out even when Dintero cannot revoke, and logs it without the token', async () => {
    const browser = app.browser()
    await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const account = await browser.get('/account')
    const { refreshToken } = await storedTokens(app)
    app.emulator.fault('revoke', { status: 503 })
    const res = await browser.post('/logout', { _csrf: csrfFrom(account.text) })
    expect(res.location).to.equal('/login?signed_out')
    expect((await browser.get('/account')).location).to.equal('/login')
    const line = app.logs.find((l) => l.includes('could not revoke'))
    expect(line).to.include('ERR_DINTERO_UNAVAILABLE')
    expect(app.logs.join('\n')).to.not.include(refreshToken)
  })
})
