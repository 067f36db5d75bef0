/**
 * The example app's sign-in journey over real HTTP: sign in, the account page, sign out, refusals.
 */
import { expect } from 'chai'
import { DEMO_USER } from '../../example-app/demo.js'
import { alertFrom, csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

describe('example app: signing in and out', () => {
  let app: RunningExample
  beforeEach(async () => {
    app = await startExample({}, { accessTokenTtl: 3600 })
  })
  afterEach(() => app.close())

  it('signs in with the demo email and password, shows the account, and signs out', async () => {
    const browser = app.browser()
    const before = Date.now()
    const res = await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const after = Date.now()
    expect(res.status).to.equal(303)
    expect(res.location).to.equal('/account')

    const account = await browser.get('/account')
    expect(account.status).to.equal(200)
    expect(account.text).to.include('<h1>Hello, Demo Customer</h1>')
    expect(account.text).to.include(`<dd>${DEMO_USER.email}</dd>`)
    expect(account.text).to.include(`<dd>${DEMO_USER.phone}</dd>`)
    // The expiry shown is the token's: one hour (the emulator's TTL) after sign-in, in whole seconds.
    const shown = Date.parse(/<time datetime="([^"]+)"/.exec(account.text)![1]!)
    expect(shown).to.be.within(Math.floor(before / 1000) * 1000 + 3_600_000, after + 3_600_000)
    expect(account.text).to.include('(in 1 hour)')

    const signOut = await browser.post('/logout', { _csrf: csrfFrom(account.text) })
    expect(signOut.status).to.equal(303)
    expect(signOut.location).to.equal('/login?signed_out')
    const login = await browser.get(signOut.location!)
    expect(login.text).to.include('You have signed out.')
    const again = await browser.get('/account')
    expect(again.status).to.equal(302)
    expect(again.location).to.equal('/login')
  })

  it('signs in with the phone number too', async () => {
    const browser = app.browser()
    const res = await signIn(browser, DEMO_USER.phone, DEMO_USER.password)
    expect(res.location).to.equal('/account')
    expect((await browser.get('/account')).text).to.include('Hello, Demo Customer')
  })

  it('never puts a token on a page', async () => {
    const browser = app.browser()
    await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const pages = [await browser.get('/account'), await browser.get('/'), await browser.get('/nowhere')]
    const stored = Object.values(await app.sessions()).find((s) => s.passport?.user)
    const { accessToken, refreshToken } = stored.passport.user.tokens
    expect(accessToken).to.be.a('string').with.length.above(100)
    expect(refreshToken).to.be.a('string').with.length.above(10)
    for (const page of pages) {
      expect(page.text).not.to.include(accessToken)
      expect(page.text).not.to.include(refreshToken)
    }
  })

  it('sends a signed-out visitor from /account to /login', async () => {
    const res = await app.browser().get('/account')
    expect(res.status).to.equal(302)
    expect(res.location).to.equal('/login')
  })

  it('sends a signed-in visitor from /login to /account', async () => {
    const browser = app.browser()
    await signIn(browser, DEMO_USER.email, DEMO_USER.password)
    const res = await browser.get('/login')
    expect(res.status).to.equal(302)
    expect(res.location).to.equal('/account')
  })

  it('shows a wrong password on the sign-in page with status 401, keeping the email and never the password', async () => {
    const res = await signIn(app.browser(), DEMO_USER.email, 'not-the-password')
    expect(res.status).to.equal(401)
    expect(alertFrom(res.text)).to.equal('That email address or phone number and password do not match. Check them and try again.')
    expect(res.text).to.include(`value="${DEMO_USER.email}"`)
    expect(res.text).not.to.include('not-the-password')
    expect(app.emulator.count('login')).to.equal(1)
  })

  it('gives an unknown account the same message as a wrong password', async () => {
    const res = await signIn(app.browser(), 'nobody@example.com', 'whatever-password')
    expect(res.status).to.equal(401)
    expect(alertFrom(res.text)).to.equal('That email address or phone number and password do not match. Check them and try again.')
  })

  it('asks for both fields when the form is empty, without calling Dintero', async () => {
    const res = await signIn(app.browser(), '', '')
    expect(res.status).to.equal(400)
    expect(alertFrom(res.text)).to.equal('Enter your email address or phone number and your password.')
    expect(app.emulator.count('login')).to.equal(0)
  })

  it('asks for the missing field', async () => {
    const noPassword = await signIn(app.browser(), DEMO_USER.email, '')
    expect(noPassword.status).to.equal(400)
    expect(alertFrom(noPassword.text)).to.equal('Enter your password.')
    const noUsername = await signIn(app.browser(), '  ', DEMO_USER.password)
    expect(alertFrom(noUsername.text)).to.equal('Enter your email address or phone number.')
    expect(app.emulator.count('login')).to.equal(0)
  })

  it('explains a username that is neither an email address nor a phone number', async () => {
    const res = await signIn(app.browser(), 'kari', DEMO_USER.password)
    expect(res.status).to.equal(400)
    expect(alertFrom(res.text)).to.equal(
      'Enter a valid email address or a phone number in international format (e.g. +4791234567).',
    )
  })

  it('sends an account that needs a one-time code to the code page (more in mfa.test.ts)', async () => {
    app.emulator.addUser({ email: 'mfa@example.com', password: 'mfa-password', mfa: true })
    const res = await signIn(app.browser(), 'mfa@example.com', 'mfa-password')
    expect(res.status).to.equal(302)
    expect(res.location).to.equal('/login/mfa')
  })

  it('passes on Dintero rate limiting as a 429 with the wait in minutes', async () => {
    app.emulator.fault('login', { status: 429, retryAfter: 120, times: 1 })
    const res = await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)
    expect(res.status).to.equal(429)
    expect(alertFrom(res.text)).to.equal('Too many sign-in attempts. Wait 2 minutes and try again.')
  })

  it('shows the demo credentials on the sign-in page in emulator mode only', async () => {
    const page = await app.browser().get('/login')
    expect(page.text).to.include(`<code class="demo-username">${DEMO_USER.email}</code>`)
    expect(page.text).to.include(`<code class="demo-password">${DEMO_USER.password}</code>`)
    const real = await startExample({ demo: undefined })
    try {
      const plain = await real.browser().get('/login')
      expect(plain.status).to.equal(200)
      expect(plain.text).not.to.include(DEMO_USER.password)
      expect(plain.text).not.to.include('Demo mode')
    } finally {
      await real.close()
    }
  })
})
