/**
 * The example app's sign-in with a one-time code over real HTTP: the code page, wrong codes, resend,
 * expiry, and the refusals, with the demo customer whose account requires MFA.
 */
import { expect } from 'chai'
import { DEMO_MFA_USER, DEMO_USER, emulatorStrategyOptions } from '../../example-app/demo.js'
import type { Browser } from '../support/browser.js'
import { alertFrom, csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

const KEY = 'passport-dintero:mfa:dintero'

describe('example app: signing in with a one-time code', () => {
  let app: RunningExample
  beforeEach(async () => {
    app = await startExample()
  })
  afterEach(() => app.close())

  /** Signs the MFA demo customer in with the password and opens the code page. */
  async function toCodePage(browser: Browser, username: string = DEMO_MFA_USER.email) {
    const res = await signIn(browser, username, DEMO_MFA_USER.password)
    expect(res.status).to.equal(302)
    expect(res.location).to.equal('/login/mfa')
    const page = await browser.get('/login/mfa')
    expect(page.status).to.equal(200)
    return page
  }

  async function postCode(browser: Browser, page: { text: string }, code: string) {
    return browser.post('/login/mfa', { _csrf: csrfFrom(page.text), code })
  }

  async function editPending(edit: (pending: Record<string, any>) => void): Promise<void> {
    const [sid, session] = Object.entries(await app.sessions()).find(([, s]) => s[KEY] !== undefined)!
    edit(session[KEY])
    await new Promise<void>((resolve, reject) => app.store.set(sid, session, (err) => (err ? reject(err) : resolve())))
  }

  function otherCode(code: string): string {
    return code === '000000' ? '111111' : '000000'
  }

  it('asks for the code after the password, and signs in with it', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser)
    expect(page.text).to.include('<h1>Enter your code</h1>')
    expect(page.text).to.include('We sent a code to your email address.')
    expect(page.text).to.include('autocomplete="one-time-code"')
    expect(page.text).to.include('Send a new code')
    const pending = Object.values(await app.sessions()).find((s) => s[KEY])[KEY]
    const code = app.emulator.lastMfaCode(DEMO_MFA_USER.email)!
    for (const secret of [pending.mfaToken, pending.oobCode, code, DEMO_MFA_USER.password]) expect(page.text).not.to.include(secret)

    const done = await postCode(browser, page, code)
    expect(done.status).to.equal(303)
    expect(done.location).to.equal('/account')
    expect((await browser.get('/account')).text).to.include('Hello, Demo MFA Customer')
    expect((await browser.get('/login/mfa')).location).to.equal('/account')
  })

  it('says SMS for a sign-in by phone number', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser, DEMO_MFA_USER.phone)
    expect(page.text).to.include('We sent a code by SMS to your phone.')
    expect((await postCode(browser, page, app.emulator.lastMfaCode(DEMO_MFA_USER.phone)!)).location).to.equal('/account')
  })

  it('signs the demo customer without MFA straight in', async () => {
    const res = await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)
    expect(res.location).to.equal('/account')
  })

  it('shows a wrong code on the code page with the tries left, and the sign-in page after too many', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser)
    const wrong = otherCode(app.emulator.lastMfaCode(DEMO_MFA_USER.email)!)
    const first = await postCode(browser, page, wrong)
    expect(first.status).to.equal(401)
    expect(alertFrom(first.text)).to.equal('That code is not right. You have 4 more tries.')
    expect(first.text).to.include('<h1>Enter your code</h1>')
    for (let i = 0; i < 3; i++) await postCode(browser, page, wrong)
    const last = await postCode(browser, page, wrong)
    expect(last.status).to.equal(401)
    expect(alertFrom(last.text)).to.equal('That code was wrong too many times. Sign in again to get a new code.')
    expect(last.text).to.include('<h1>Sign in</h1>')
    expect((await browser.get('/login/mfa')).location).to.equal('/login')
  })

  it('asks again for an empty or malformed code without using a try', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser)
    const res = await postCode(browser, page, 'abc!')
    expect(res.status).to.equal(400)
    expect(alertFrom(res.text)).to.equal('Enter the code from the message we sent you.')
    expect(app.emulator.count('mfa_token')).to.equal(0)
  })

  it('sends a new code on request, no sooner than the resend interval', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser)
    const tooSoon = await browser.post('/login/mfa/resend', { _csrf: csrfFrom(page.text) })
    expect(tooSoon.status).to.equal(429)
    expect(alertFrom(tooSoon.text)).to.match(/^Wait \d+ seconds before asking for a new code\.$/)
    expect(app.emulator.count('mfa_challenge')).to.equal(1)

    await editPending((p) => {
      p['sentAt'] = Date.now() - 60_000
    })
    const resent = await browser.post('/login/mfa/resend', { _csrf: csrfFrom(page.text) })
    expect(resent.status).to.equal(200)
    expect(resent.text).to.include('We sent you a new code. The previous one no longer works.')
    expect(app.emulator.count('mfa_challenge')).to.equal(2)
    expect((await postCode(browser, resent, app.emulator.lastMfaCode(DEMO_MFA_USER.email)!)).location).to.equal('/account')
  })

  it('sends an expired sign-in back to the sign-in page', async () => {
    const browser = app.browser()
    const page = await toCodePage(browser)
    await editPending((p) => {
      p['expiresAt'] = Date.now() - 1
    })
    const res = await postCode(browser, page, app.emulator.lastMfaCode(DEMO_MFA_USER.email)!)
    expect(res.status).to.equal(401)
    expect(alertFrom(res.text)).to.equal('The code has expired. Sign in again to get a new one.')
    expect(res.text).to.include('<h1>Sign in</h1>')
  })

  it('refuses a code without a password step first, and sends /login/mfa to /login', async () => {
    const browser = app.browser()
    const login = await browser.get('/login')
    const res = await browser.post('/login/mfa', { _csrf: csrfFrom(login.text), code: '123456' })
    expect(res.status).to.equal(400)
    expect(alertFrom(res.text)).to.equal('Your sign-in has ended. Sign in again.')
    expect(app.emulator.count('mfa_token')).to.equal(0)
    expect((await browser.get('/login/mfa')).location).to.equal('/login')
  })

  it('refuses the code form and the resend without the CSRF token', async () => {
    const browser = app.browser()
    await toCodePage(browser)
    const code = app.emulator.lastMfaCode(DEMO_MFA_USER.email)!
    expect((await browser.post('/login/mfa', { code })).status).to.equal(403)
    expect((await browser.post('/login/mfa/resend', {})).status).to.equal(403)
    expect(app.emulator.count('mfa_token')).to.equal(0)
  })

  it('shows the MFA demo credentials on the sign-in page in emulator mode', async () => {
    const other = await startExample({ demoMfa: { username: DEMO_MFA_USER.email, password: DEMO_MFA_USER.password } })
    try {
      const page = await other.browser().get('/login')
      expect(page.text).to.include(`<code class="demo-mfa-username">${DEMO_MFA_USER.email}</code>`)
      expect(page.text).to.include("The code is printed in the server's console.")
    } finally {
      await other.close()
    }
  })

  it("with mfa 'off' has no code page and says the account needs a code", async () => {
    const off = await startExample({ dintero: { ...emulatorStrategyOptions(app.emulator), mfa: 'off' } })
    try {
      const browser = off.browser()
      const res = await signIn(browser, DEMO_MFA_USER.email, DEMO_MFA_USER.password)
      expect(res.status).to.equal(401)
      expect(alertFrom(res.text)).to.equal('This account needs a one-time code to sign in, which this site is not set up for.')
      expect((await browser.get('/login/mfa')).status).to.equal(404)
    } finally {
      await off.close()
    }
  })
})
