/**
 * The example app's "Forgot your password?" and "Create an account" pages over real HTTP: the links from
 * the sign-in page, CSRF, the rate limits, the messages, and sign-up signing in through the strategy.
 */
import { expect } from 'chai'
import { DEMO_USER } from '../../example-app/demo.js'
import { alertFrom, csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'
import type { Browser } from '../support/browser.js'

const NEUTRAL = 'If there is an account for this email address, we have sent it an email with a link to choose a new password.'

function statusFrom(html: string): string | undefined {
  return /<p class="notice" role="status">([^<]*)<\/p>/.exec(html)?.[1]
}

async function postForm(browser: Browser, path: string, form: Record<string, string>) {
  const page = await browser.get(path)
  return browser.post(path, { _csrf: csrfFrom(page.text), ...form })
}

describe('example app: forgot password and sign-up pages', () => {
  let app: RunningExample
  beforeEach(async () => {
    // A generous account budget here: the rate-limit tests start apps of their own.
    app = await startExample({ accountRateLimit: { limit: 100 } }, { accessTokenTtl: 3600 })
  })
  afterEach(() => app.close())

  it('links both pages from the sign-in page', async () => {
    const login = await app.browser().get('/login')
    expect(login.text).to.include('<a href="/forgot-password">Forgot your password?</a>')
    expect(login.text).to.include('<a href="/signup">Create an account</a>')
    for (const path of ['/forgot-password', '/signup']) {
      const page = await app.browser().get(path)
      expect(page.status, path).to.equal(200)
      expect(page.text).to.match(/name="_csrf" value="[0-9a-f]{64}"/)
    }
  })

  describe('forgot password', () => {
    it('answers a known and an unknown address with the same page; only the known one gets an email', async () => {
      const known = await postForm(app.browser(), '/forgot-password', { email: DEMO_USER.email })
      const unknown = await postForm(app.browser(), '/forgot-password', { email: 'nobody@example.com' })
      expect(known.status).to.equal(200)
      expect(unknown.status).to.equal(200)
      expect(statusFrom(known.text)).to.equal(NEUTRAL)
      // The same page but for the CSRF token.
      const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '')
      expect(strip(unknown.text)).to.equal(strip(known.text))
      expect(app.emulator.passwordResetEmails.map((e) => e.to)).to.deep.equal([DEMO_USER.email])
    })

    it('lets the customer choose a new password from the emailed link and sign in with it', async () => {
      await postForm(app.browser(), '/forgot-password', { email: DEMO_USER.email })
      app.emulator.completePasswordReset(app.emulator.lastPasswordReset(DEMO_USER.email)!.link, 'my-new-password')
      expect((await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)).status).to.equal(401)
      expect((await signIn(app.browser(), DEMO_USER.email, 'my-new-password')).location).to.equal('/account')
    })

    it('refuses a missing or invalid address with status 400, without asking Dintero', async () => {
      app.emulator.resetCounts()
      const empty = await postForm(app.browser(), '/forgot-password', { email: '' })
      expect(empty.status).to.equal(400)
      expect(alertFrom(empty.text)).to.equal('Enter the email address of your account.')
      const phone = await postForm(app.browser(), '/forgot-password', { email: DEMO_USER.phone })
      expect(phone.status).to.equal(400)
      expect(alertFrom(phone.text)).to.equal('Enter a valid email address, e.g. you@example.com.')
      expect(phone.text).to.include(`value="${DEMO_USER.phone}"`)
      expect(app.emulator.count('change_password')).to.equal(0)
    })

    it('refuses the form without the CSRF token', async () => {
      const browser = app.browser()
      await browser.get('/forgot-password')
      const res = await browser.post('/forgot-password', { email: DEMO_USER.email })
      expect(res.status).to.equal(403)
      expect(res.text).to.include('This form has expired')
      expect(app.emulator.count('change_password')).to.equal(0)
    })

    it('rate limits every request per IP, known address or not', async () => {
      const limited = await startExample({ accountRateLimit: { limit: 2, windowMs: 60_000 } })
      try {
        const browser = limited.browser()
        expect((await postForm(browser, '/forgot-password', { email: DEMO_USER.email })).status).to.equal(200)
        expect((await postForm(browser, '/forgot-password', { email: 'nobody@example.com' })).status).to.equal(200)
        const third = await postForm(browser, '/forgot-password', { email: 'nobody@example.com' })
        expect(third.status).to.equal(429)
        expect(alertFrom(third.text)).to.equal('Too many requests for a new password. Wait a minute and try again.')
        expect(limited.emulator.count('change_password')).to.equal(2)
        // Its own budget: signing in still works.
        expect((await signIn(limited.browser(), DEMO_USER.email, DEMO_USER.password)).location).to.equal('/account')
      } finally {
        await limited.close()
      }
    })

    it('rate limits requests per address too, whatever its case or spaces, so many IPs cannot flood one inbox', async () => {
      // Behind a proxy every client has its own IP; each of them has budget left, the address has not.
      const limited = await startExample({ trustProxy: 1, accountRateLimit: { limit: 2, windowMs: 60_000 } })
      try {
        const fromIp = async (ip: string, email: string) => {
          const browser = limited.browser()
          const page = await browser.request('/forgot-password', { headers: { 'x-forwarded-for': ip } })
          return browser.request('/forgot-password', { form: { _csrf: csrfFrom(page.text), email }, headers: { 'x-forwarded-for': ip } })
        }
        expect((await fromIp('198.51.100.1', DEMO_USER.email)).status).to.equal(200)
        expect((await fromIp('198.51.100.2', ` ${DEMO_USER.email.toUpperCase()} `)).status).to.equal(200)
        const third = await fromIp('198.51.100.3', DEMO_USER.email)
        expect(third.status).to.equal(429)
        expect(alertFrom(third.text)).to.equal('Too many requests for a new password. Wait a minute and try again.')
        expect(limited.emulator.passwordResetEmails).to.have.length(2)
        // An unknown address counts exactly alike (no counter tells them apart), and other addresses go on.
        expect((await fromIp('198.51.100.4', 'nobody@example.com')).status).to.equal(200)
        expect((await fromIp('198.51.100.5', 'nobody@example.com')).status).to.equal(200)
        expect((await fromIp('198.51.100.6', 'Nobody@Example.com')).status).to.equal(429)
      } finally {
        await limited.close()
      }
    })

    it('shows the friendly 503 page when Dintero is down', async () => {
      app.emulator.fault('change_password', { status: 503, times: 1 })
      const res = await postForm(app.browser(), '/forgot-password', { email: DEMO_USER.email })
      expect(res.status).to.equal(503)
      expect(res.text).to.include('This is unavailable right now')
      expect(app.logs.join('\n')).to.include('Dintero is unavailable')
    })
  })

  describe('sign-up', () => {
    it('creates the account and signs the customer in through the strategy, with a new session id', async () => {
      const browser = app.browser()
      const page = await browser.get('/signup')
      const before = browser.jar.header()
      app.emulator.resetCounts()
      const res = await browser.post('/signup', {
        _csrf: csrfFrom(page.text),
        first_name: 'Nina',
        last_name: 'Hansen',
        email: 'nina@example.com',
        password: 'ninas-password',
      })
      expect(res.status).to.equal(303)
      expect(res.location).to.equal('/account')
      // The same path as a sign-in: created, then logged in with Dintero, then the token verified.
      expect(app.emulator.count('create_customer')).to.equal(1)
      expect(app.emulator.count('login')).to.equal(1)
      expect(browser.jar.header()).not.to.equal(before)
      const account = await browser.get('/account')
      expect(account.text).to.include('<h1>Hello, Nina Hansen</h1>')
      expect(account.text).to.include('<dd>nina@example.com</dd>')
      const stored = Object.values(await app.sessions()).filter((s) => s.passport?.user)
      expect(stored).to.have.length(1)

      // Signs out and in again with the new password.
      await browser.post('/logout', { _csrf: csrfFrom(account.text) })
      expect((await signIn(app.browser(), 'NINA@example.com', 'ninas-password')).location).to.equal('/account')
    })

    it('says an address is taken (409), keeping what was typed but the password', async () => {
      for (const username of [DEMO_USER.email.toUpperCase(), DEMO_USER.phone]) {
        const res = await postForm(app.browser(), '/signup', { first_name: 'Dup', email: username, password: 'some-password' })
        expect(res.status).to.equal(409)
        expect(alertFrom(res.text)).to.equal(
          'There is already an account for this email address or phone number. Sign in, or use &quot;Forgot your password?&quot;.',
        )
        expect(res.text).to.include(`value="${username}"`)
        expect(res.text).to.include('value="Dup"')
        expect(res.text).not.to.include('some-password')
      }
    })

    it('refuses invalid fields with status 400 and plain words, without asking Dintero', async () => {
      app.emulator.resetCounts()
      const cases: Array<[Record<string, string>, string]> = [
        [{ email: '', password: '' }, 'Enter your email address or phone number and a password.'],
        [{ email: 'kari@example.no', password: '' }, 'Choose a password.'],
        [{ email: '', password: 'long-enough' }, 'Enter your email address or phone number.'],
        [{ email: 'kari@example.no', password: 'abc' }, 'Password must be 4 to 255 characters.'],
        [{ email: 'not an address', password: 'long-enough' }, 'Enter a valid email address or a phone number in international format (e.g. +4791234567).'],
        [{ email: 'kari@example.no', password: 'long-enough', first_name: 'a\nb' }, 'Names can be at most 100 characters, on one line.'],
        // Refused, not cut to 100 characters and created with a name nobody typed.
        [{ email: 'kari@example.no', password: 'long-enough', last_name: 'x'.repeat(101) }, 'Names can be at most 100 characters, on one line.'],
      ]
      for (const [form, message] of cases) {
        const res = await postForm(app.browser(), '/signup', form)
        expect(res.status, JSON.stringify(form)).to.equal(400)
        expect(alertFrom(res.text)).to.equal(message)
      }
      expect(app.emulator.count('create_customer')).to.equal(0)
    })

    it('refuses the form without the CSRF token', async () => {
      const browser = app.browser()
      await browser.get('/signup')
      const res = await browser.post('/signup', { email: 'x@example.com', password: 'long-enough' })
      expect(res.status).to.equal(403)
      expect(app.emulator.count('create_customer')).to.equal(0)
      const forged = await browser.post('/signup', { _csrf: 'made-up', email: 'x@example.com', password: 'long-enough' })
      expect(forged.status).to.equal(403)
    })

    it('rate limits every attempt per IP, successful or not', async () => {
      const limited = await startExample({ accountRateLimit: { limit: 2, windowMs: 60_000 } })
      try {
        expect((await postForm(limited.browser(), '/signup', { email: 'one@example.com', password: 'long-enough' })).status).to.equal(303)
        expect((await postForm(limited.browser(), '/signup', { email: DEMO_USER.email, password: 'long-enough' })).status).to.equal(409)
        const third = await postForm(limited.browser(), '/signup', { email: 'three@example.com', password: 'long-enough' })
        expect(third.status).to.equal(429)
        expect(alertFrom(third.text)).to.equal('Too many attempts to create an account. Wait a minute and try again.')
        expect(limited.emulator.count('create_customer')).to.equal(2)
      } finally {
        await limited.close()
      }
    })

    it('shows the friendly 503 page when Dintero is down, and the error page for a refused API client', async () => {
      app.emulator.fault('create_customer', { status: 502, times: 1 })
      const down = await postForm(app.browser(), '/signup', { email: 'x@example.com', password: 'long-enough' })
      expect(down.status).to.equal(503)
      expect(down.text).to.include('This is unavailable right now')
      const narrow = await startExample({}, { clientScopes: ['write:accounts:/auth/users', 'read:accounts'] })
      try {
        const refused = await postForm(narrow.browser(), '/signup', { email: 'x@example.com', password: 'long-enough' })
        expect(refused.status).to.equal(500)
        expect(refused.text).to.include('Something went wrong')
        expect(narrow.logs.join('\n')).to.include('ERR_DINTERO_CLIENT_AUTH')
      } finally {
        await narrow.close()
      }
    })
  })
})
