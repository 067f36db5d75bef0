/**
 * The example app's web security: CSRF tokens, session cookie, fixation, headers, rate limit, escaping.
 */
import { expect } from 'chai'
import { DEMO_USER } from '../../example-app/demo.js'
import { alertFrom, csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

function sessionCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith('sid='))
}

describe('example app: web security', () => {
  let app: RunningExample
  afterEach(() => app?.close())

  describe('CSRF', () => {
    beforeEach(async () => {
      app = await startExample()
    })

    it('refuses a sign-in without the token, before asking Dintero', async () => {
      const browser = app.browser()
      await browser.get('/login')
      const res = await browser.post('/login', { email: DEMO_USER.email, password: DEMO_USER.password })
      expect(res.status).to.equal(403)
      expect(res.text).to.include('This form has expired')
      expect(app.emulator.count('login')).to.equal(0)
      expect((await browser.get('/account')).status).to.equal(302)
    })

    it('refuses a sign-in with a wrong token or a token from another session', async () => {
      const other = app.browser()
      const otherToken = csrfFrom((await other.get('/login')).text)
      const browser = app.browser()
      const own = csrfFrom((await browser.get('/login')).text)
      const wrong = own.slice(0, -2) + (own.endsWith('AA') ? 'BB' : 'AA')
      for (const token of [wrong, otherToken, '', own + own]) {
        const res = await browser.post('/login', { _csrf: token, email: DEMO_USER.email, password: DEMO_USER.password })
        expect(res.status, `token ${JSON.stringify(token.slice(0, 6))}`).to.equal(403)
      }
      expect(app.emulator.count('login')).to.equal(0)
      // The right token still works afterwards.
      const ok = await browser.post('/login', { _csrf: own, email: DEMO_USER.email, password: DEMO_USER.password })
      expect(ok.location).to.equal('/account')
    })

    it('refuses a sign-in from a visitor with no session at all', async () => {
      const res = await app.browser().post('/login', { _csrf: 'made-up', email: DEMO_USER.email, password: DEMO_USER.password })
      expect(res.status).to.equal(403)
    })

    it('refuses a sign-out without the token and keeps the visitor signed in', async () => {
      const browser = app.browser()
      await signIn(browser, DEMO_USER.email, DEMO_USER.password)
      const res = await browser.post('/logout', {})
      expect(res.status).to.equal(403)
      expect((await browser.get('/account')).status).to.equal(200)
    })

    it('refuses other methods too', async () => {
      const browser = app.browser()
      await browser.get('/login')
      const res = await browser.request('/logout', { method: 'DELETE' })
      expect(res.status).to.equal(403)
    })
  })

  describe('session cookie', () => {
    it('is httpOnly and sameSite=lax, not secure over plain HTTP outside production', async () => {
      app = await startExample()
      const res = await app.browser().get('/login')
      const cookie = sessionCookie(res.headers)!
      expect(cookie).to.match(/; HttpOnly/)
      expect(cookie).to.match(/; SameSite=Lax/)
      expect(cookie).not.to.match(/; Secure/)
    })

    it('is secure with secureCookies, sent over HTTPS as told by a trusted proxy', async () => {
      app = await startExample({ secureCookies: true, trustProxy: 1 })
      const overHttps = await app.browser().get('/login', { 'x-forwarded-proto': 'https' })
      expect(sessionCookie(overHttps.headers)).to.match(/; Secure/)
      expect(overHttps.headers.get('strict-transport-security')).to.match(/max-age=\d+/)
      // Over plain HTTP express-session never sends a secure cookie.
      const overHttp = await app.browser().get('/login')
      expect(sessionCookie(overHttp.headers)).to.equal(undefined)
    })

    it('is not set for a visitor who only reads pages without forms', async () => {
      app = await startExample()
      const res = await app.browser().get('/')
      expect(res.status).to.equal(200)
      expect(sessionCookie(res.headers)).to.equal(undefined)
    })

    it('gets a new session id at sign-in and at sign-out', async () => {
      app = await startExample()
      const browser = app.browser()
      const before = sessionCookie((await browser.get('/login')).headers)!.split(';')[0]
      const signedIn = await signIn(browser, DEMO_USER.email, DEMO_USER.password)
      const during = sessionCookie(signedIn.headers)!.split(';')[0]
      expect(during).not.to.equal(before)
      const account = await browser.get('/account')
      const signedOut = await browser.post('/logout', { _csrf: csrfFrom(account.text) })
      expect(signedOut.location).to.equal('/login?signed_out')
      // Sign-out destroys the session: no session cookie is sent, or a new one.
      const after = sessionCookie(signedOut.headers)?.split(';')[0]
      expect(after).not.to.equal(during)
      expect(Object.values(await app.sessions()).filter((s) => s.passport?.user)).to.deep.equal([])
      // The old signed-in cookie no longer opens the account.
      const stale = app.browser()
      stale.jar.store(new Headers({ 'set-cookie': during! }))
      expect((await stale.get('/account')).status).to.equal(302)
    })
  })

  describe('headers', () => {
    it('sends security headers and no-store on pages', async () => {
      app = await startExample()
      const res = await app.browser().get('/login')
      const csp = res.headers.get('content-security-policy')!
      expect(csp).to.include("default-src 'self'")
      expect(csp).to.include("form-action 'self'")
      expect(csp).to.include("frame-ancestors 'none'")
      expect(csp).to.include("style-src 'self'")
      expect(csp).not.to.include('unsafe-inline')
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff')
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer')
      expect(res.headers.get('x-powered-by')).to.equal(null)
      expect(res.headers.get('cache-control')).to.equal('no-store')
      const css = await app.browser().get('/styles.css')
      expect(css.status).to.equal(200)
      expect(css.headers.get('content-type')).to.match(/^text\/css/)
    })
  })

  describe('rate limit on POST /login', () => {
    it('answers 429 with the sign-in page once the limit of refused attempts is reached, without asking Dintero', async () => {
      app = await startExample({ loginRateLimit: { limit: 2, windowMs: 60_000 } })
      const browser = app.browser()
      for (let i = 0; i < 2; i++) expect((await signIn(browser, DEMO_USER.email, 'wrong-password')).status).to.equal(401)
      const asked = app.emulator.count('login')
      const limited = await signIn(browser, DEMO_USER.email, DEMO_USER.password)
      expect(limited.status).to.equal(429)
      expect(alertFrom(limited.text)).to.equal('Too many sign-in attempts. Wait a minute and try again.')
      expect(limited.headers.get('ratelimit-policy')).to.match(/^2;w=60/)
      expect(app.emulator.count('login')).to.equal(asked)
      // Per client, whatever the session: a fresh cookie jar is limited too.
      expect((await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)).status).to.equal(429)
    })

    it('does not count successful sign-ins', async () => {
      app = await startExample({ loginRateLimit: { limit: 2, windowMs: 60_000 } })
      for (let i = 0; i < 4; i++) {
        const res = await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)
        expect(res.status, `sign-in ${i + 1}`).to.equal(303)
      }
    })
  })

  describe('escaping', () => {
    it('escapes what the visitor typed when showing it back', async () => {
      app = await startExample()
      const typed = '"><script>alert(1)</script>'
      const res = await signIn(app.browser(), typed, DEMO_USER.password)
      expect(res.status).to.equal(400)
      expect(res.text).not.to.include('<script>')
      expect(res.text).to.include('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    })

    it('escapes claims on the account page', async () => {
      app = await startExample()
      app.emulator.addUser({ email: 'x@example.com', password: 'x-password', claims: { name: '<img src=x onerror=alert(1)>' } })
      const browser = app.browser()
      await signIn(browser, 'x@example.com', 'x-password')
      const res = await browser.get('/account')
      expect(res.text).not.to.include('<img')
      expect(res.text).to.include('Hello, &lt;img src=x onerror=alert(1)&gt;')
    })
  })
})
