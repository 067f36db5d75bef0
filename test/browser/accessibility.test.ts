/**
 * axe-core on every page of the example app, as chromium renders it (signed out, signed in, with and
 * without messages, and each error page): no violations of any rule axe runs by default (WCAG 2 A/AA
 * and best practices, `region` among them: all content inside a landmark).
 */
import { expect } from 'chai'
import type { Page } from 'playwright-core'
import { DEMO_MFA_USER, DEMO_USER } from '../../example-app/demo.js'
import { axeViolations } from '../support/axe.js'
import { type Chromium, launchChromium, requireChromium } from '../support/chromium.js'
import { type RunningExample, startExample } from '../support/example-app.js'

describe('browser: accessibility of every example-app page (axe-core)', function () {
  this.timeout(90_000)
  let app: RunningExample
  let browser: Chromium
  let page: Page

  before(async function () {
    requireChromium(this)
    app = await startExample({ loginRateLimit: { limit: 100 }, accountRateLimit: { limit: 100 } })
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
  })
  beforeEach(async () => {
    page = await browser.context.newPage()
  })
  afterEach(async () => {
    await page?.close()
    await browser.context.clearCookies()
  })

  /** Asserts axe finds nothing on the page as it is now. */
  async function expectAccessible(label: string): Promise<void> {
    const violations = await axeViolations(page)
    expect(violations, `${label} (${page.url()})`).to.deep.equal([])
  }

  async function submit(path: string, fields: Record<string, string>, button: string): Promise<void> {
    await page.goto(`${app.url}${path}`)
    for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value)
    await page.locator('main').getByRole('button', { name: button }).click()
    await page.waitForLoadState('load')
  }

  it('home, sign-in, forgot-password and sign-up pages, signed out', async () => {
    for (const path of ['/', '/login', '/login?signed_out', '/forgot-password', '/signup']) {
      await page.goto(`${app.url}${path}`)
      await expectAccessible(path)
    }
  })

  it('pages with a refusal or a notice on them', async () => {
    await submit('/login', { 'Email address or phone number': DEMO_USER.email, Password: 'wrong-password' }, 'Sign in')
    await page.waitForSelector('[role=alert]')
    await expectAccessible('sign-in refused')

    await submit('/forgot-password', { 'Email address': 'nobody@example.com' }, 'Send the link')
    await page.waitForSelector('[role=status]')
    await expectAccessible('reset requested')

    await submit('/signup', { 'Email address or phone number': DEMO_USER.email, Password: 'long-enough' }, 'Create the account')
    await page.waitForSelector('[role=alert]')
    await expectAccessible('sign-up refused')
  })

  it('the one-time code page, the account page and the home page, signed in', async () => {
    await submit('/login', { 'Email address or phone number': DEMO_MFA_USER.email, Password: DEMO_MFA_USER.password }, 'Sign in')
    await page.waitForURL(`${app.url}/login/mfa`)
    await expectAccessible('code page')
    await page.getByLabel('One-time code').fill('000000' === app.emulator.lastMfaCode(DEMO_MFA_USER.email) ? '111111' : '000000')
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
    await page.waitForSelector('[role=alert]')
    await expectAccessible('code refused')
    await page.getByLabel('One-time code').fill(app.emulator.lastMfaCode(DEMO_MFA_USER.email)!)
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${app.url}/account`)
    await expectAccessible('account')
    await page.goto(app.url)
    await expectAccessible('home, signed in')
  })

  it('the error pages: 404, expired form (403), Dintero unavailable (503)', async () => {
    await page.goto(`${app.url}/no/such/page`)
    await expectAccessible('404')

    await page.goto(`${app.url}/login`)
    await browser.context.clearCookies()
    await page.getByLabel('Email address or phone number').fill(DEMO_USER.email)
    await page.getByLabel('Password').fill(DEMO_USER.password)
    await page.locator('main').getByRole('button', { name: 'Sign in' }).click()
    await page.waitForSelector('h1:has-text("This form has expired")')
    await expectAccessible('403')

    app.emulator.fault('login', { status: 503, times: 1 })
    await submit('/login', { 'Email address or phone number': DEMO_USER.email, Password: DEMO_USER.password }, 'Sign in')
    await page.waitForSelector('h1:has-text("unavailable")')
    await expectAccessible('503')
  })
})
