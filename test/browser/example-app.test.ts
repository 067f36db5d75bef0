/**
 * The example app in a real browser: type the demo credentials, land on the account page, sign out;
 * a wrong password shows its message; the MFA demo customer signs in with a one-time code; a new customer
 * signs up, out and in again; a reset request shows the neutral message. Screenshots go to test-results/screenshots/.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { DEMO_MFA_USER, DEMO_USER } from '../../example-app/demo.js'
import { type Chromium, launchChromium, requireChromium, SCREENSHOTS } from '../support/chromium.js'
import { type RunningExample, startExample } from '../support/example-app.js'

describe('browser: the example app in chromium', function () {
  this.timeout(60_000)
  let app: RunningExample
  let browser: Chromium
  let page: Page
  /** Console errors and failed requests: a CSP violation or a missing stylesheet shows up here. */
  let problems: string[]

  before(async function () {
    requireChromium(this)
    await mkdir(SCREENSHOTS, { recursive: true })
    app = await startExample()
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
  })
  beforeEach(async () => {
    problems = []
    page = await browser.context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
  })
  afterEach(async () => {
    await page?.close()
    await browser.context.clearCookies()
  })

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })

  async function typeCredentials(email: string, password: string): Promise<void> {
    await page.goto(`${app.url}/login`)
    await page.getByLabel('Email address or phone number').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
  }

  it('signs in with the demo credentials shown on the page, shows the account, and signs out', async () => {
    await page.goto(`${app.url}/login`)
    expect(await page.locator('.demo-username').textContent()).to.equal(DEMO_USER.email)
    expect(await page.locator('.demo-password').textContent()).to.equal(DEMO_USER.password)
    // The stylesheet loaded and applies (the CSP allows it).
    // (Page code as strings: the test project has no DOM typings.)
    const radius = await page.evaluate<string>("getComputedStyle(document.querySelector('.card')).borderTopLeftRadius")
    expect(radius).to.equal('12px')
    await shot('login')

    await typeCredentials(DEMO_USER.email, DEMO_USER.password)
    await page.waitForURL(`${app.url}/account`)
    expect(await page.locator('h1').textContent()).to.equal('Hello, Demo Customer')
    expect(await page.locator('time').getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/)
    await shot('account')

    await page.locator('main').getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${app.url}/login?signed_out`)
    expect(await page.getByRole('status').textContent()).to.equal('You have signed out.')
    await page.goto(`${app.url}/account`)
    expect(page.url()).to.equal(`${app.url}/login`)
    expect(problems).to.deep.equal([])
  })

  it('shows a wrong password on the sign-in page and keeps the email', async () => {
    await typeCredentials(DEMO_USER.email, 'not-the-password')
    await page.waitForSelector('[role=alert]')
    expect(page.url()).to.equal(`${app.url}/login`)
    expect(await page.getByRole('alert').textContent()).to.equal(
      'That email address or phone number and password do not match. Check them and try again.',
    )
    expect(await page.getByLabel('Email address or phone number').inputValue()).to.equal(DEMO_USER.email)
    expect(await page.getByLabel('Password').inputValue()).to.equal('')
    await shot('login-wrong-password')
    // Only the 401 of the refused form itself, which chromium reports as a failed resource.
    expect(problems.filter((p) => !p.includes('401'))).to.deep.equal([])
  })

  it('signs the MFA demo customer in with the one-time code, after a wrong code and an early resend', async () => {
    await typeCredentials(DEMO_MFA_USER.email, DEMO_MFA_USER.password)
    await page.waitForURL(`${app.url}/login/mfa`)
    expect(await page.locator('h1').textContent()).to.equal('Enter your code')
    expect(await page.locator('main p.muted').textContent()).to.include('We sent a code to your email address.')
    await shot('mfa-code')

    const code = app.emulator.lastMfaCode(DEMO_MFA_USER.email)!
    await page.getByLabel('One-time code').fill(code === '000000' ? '111111' : '000000')
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
    await page.waitForSelector('[role=alert]')
    expect(await page.getByRole('alert').textContent()).to.equal('That code is not right. You have 4 more tries.')
    await shot('mfa-wrong-code')

    await page.getByRole('button', { name: 'Send a new code' }).click()
    await page.waitForSelector('[role=alert]:has-text("before asking for a new code")')
    expect(app.emulator.count('mfa_challenge')).to.equal(1)

    await page.getByLabel('One-time code').fill(code)
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${app.url}/account`)
    expect(await page.locator('h1').textContent()).to.equal('Hello, Demo MFA Customer')
    // Only the refused forms themselves (401 wrong code, 429 resend too soon).
    expect(problems.filter((p) => !p.includes('401') && !p.includes('429'))).to.deep.equal([])
  })

  it('signs a new customer up from the sign-in page, signs out, and signs in again with the new account', async () => {
    await page.goto(`${app.url}/login`)
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.waitForURL(`${app.url}/signup`)
    await page.getByLabel('First name').fill('Nora')
    await page.getByLabel('Last name').fill('Berg')
    await page.getByLabel('Email address or phone number').fill('nora.berg@example.com')
    await page.getByLabel('Password').fill('noras-new-password')
    await shot('signup')
    await page.locator('main').getByRole('button', { name: 'Create the account' }).click()
    await page.waitForURL(`${app.url}/account`)
    expect(await page.locator('h1').textContent()).to.equal('Hello, Nora Berg')
    await shot('signup-account')

    await page.locator('main').getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${app.url}/login?signed_out`)
    await typeCredentials('nora.berg@example.com', 'noras-new-password')
    await page.waitForURL(`${app.url}/account`)
    expect(await page.locator('h1').textContent()).to.equal('Hello, Nora Berg')
    expect(problems).to.deep.equal([])
  })

  it('answers a password-reset request with the neutral message, for a known and an unknown address', async () => {
    for (const address of [DEMO_USER.email, 'nobody@example.com']) {
      await page.goto(`${app.url}/login`)
      await page.getByRole('link', { name: 'Forgot your password?' }).click()
      await page.waitForURL(`${app.url}/forgot-password`)
      await page.getByLabel('Email address').fill(address)
      await page.locator('main').getByRole('button', { name: 'Send the link' }).click()
      await page.waitForSelector('[role=status]')
      expect(await page.getByRole('status').textContent()).to.equal(
        'If there is an account for this email address, we have sent it an email with a link to choose a new password.',
      )
    }
    await shot('forgot-password-sent')
    expect(app.emulator.passwordResetEmails.map((e) => e.to)).to.deep.equal([DEMO_USER.email])
    expect(problems).to.deep.equal([])
  })

  it('lays the sign-in page out on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${app.url}/login`)
    const width = await page.evaluate<number>('document.documentElement.scrollWidth')
    expect(width).to.be.at.most(390)
    await shot('login-phone')
  })

  it('shows the home page', async () => {
    await page.goto(app.url)
    expect(await page.locator('h1').textContent()).to.equal('Welcome')
    await page.getByRole('link', { name: 'Sign in' }).last().click()
    await page.waitForURL(`${app.url}/login`)
    await page.goto(app.url)
    await shot('home')
  })

  it('shows a friendly page when Dintero is unavailable', async () => {
    app.emulator.fault('login', { status: 503, times: 1 })
    await typeCredentials(DEMO_USER.email, DEMO_USER.password)
    await page.waitForSelector('h1:has-text("Sign-in is unavailable right now")')
    await shot('dintero-unavailable')
    await page.getByRole('link', { name: 'Try again' }).click()
    await page.waitForURL(`${app.url}/login`)
  })

  it('shows the 404 page', async () => {
    const res = await page.goto(`${app.url}/no/such/page`)
    expect(res?.status()).to.equal(404)
    expect(await page.locator('h1').textContent()).to.equal('Page not found')
    await shot('not-found')
  })
})
