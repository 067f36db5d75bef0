/**
 * The example app's error pages: friendly words and the right status, never a stack or a JSON blob.
 */
import { expect } from 'chai'
import { DEMO_USER, emulatorStrategyOptions } from '../../example-app/demo.js'
import type { BrowserResponse } from '../support/browser.js'
import { csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

/** A page a person can read: HTML, a heading, no stack frames, no JSON, no error class names. */
function expectFriendlyPage(res: BrowserResponse, heading: string): void {
  expect(res.headers.get('content-type')).to.match(/^text\/html/)
  expect(res.text).to.include(`<h1>${heading}</h1>`)
  expect(res.text).not.to.match(/\n\s+at /)
  expect(res.json).to.equal(undefined)
  expect(res.text).not.to.match(/\w+Error\b|ERR_|\{"/)
}

describe('example app: error pages', () => {
  let app: RunningExample
  afterEach(() => app?.close())

  it('shows a friendly 503 page when Dintero answers 503', async () => {
    app = await startExample()
    app.emulator.fault('login', { status: 503 })
    const res = await signIn(app.browser(), DEMO_USER.email, DEMO_USER.password)
    expect(res.status).to.equal(503)
    expectFriendlyPage(res, 'Sign-in is unavailable right now')
    expect(res.text).to.include('<a class="button" href="/login">Try again</a>')
    expect(app.logs.join('\n')).to.include('ERR_DINTERO_UNAVAILABLE')
  })

  it('shows the same 503 page when Dintero times out or answers nonsense', async () => {
    app = await startExample()
    // A second app on the same emulator with a short upstream timeout, so a hanging answer is given up on quickly.
    const appWithTimeout = await startExample({ dintero: { ...emulatorStrategyOptions(app.emulator), timeout: 300 } })
    try {
      app.emulator.fault('login', { hang: true, times: 1 })
      const timedOut = await signIn(appWithTimeout.browser(), DEMO_USER.email, DEMO_USER.password)
      expect(timedOut.status).to.equal(503)
      expectFriendlyPage(timedOut, 'Sign-in is unavailable right now')
      app.emulator.fault('login', { nonJson: true, status: 200, times: 1 })
      const nonsense = await signIn(appWithTimeout.browser(), DEMO_USER.email, DEMO_USER.password)
      expect(nonsense.status).to.equal(503)
      expect(appWithTimeout.logs.join('\n')).to.include('ERR_DINTERO_TIMEOUT').and.to.include('ERR_DINTERO_UPSTREAM')
    } finally {
      await appWithTimeout.close()
    }
  })

  it('shows a friendly 500 page when the app is misconfigured, and logs no secret', async () => {
    app = await startExample()
    const misconfigured = await startExample({ dintero: { ...emulatorStrategyOptions(app.emulator), clientSecret: 'wrong-secret-value' } })
    try {
      const res = await signIn(misconfigured.browser(), DEMO_USER.email, DEMO_USER.password)
      expect(res.status).to.equal(500)
      expectFriendlyPage(res, 'Something went wrong')
      const logged = misconfigured.logs.join('\n')
      expect(logged).to.include('ERR_DINTERO_CLIENT_AUTH')
      expect(logged).not.to.include('wrong-secret-value')
      expect(logged).not.to.include(DEMO_USER.password)
    } finally {
      await misconfigured.close()
    }
  })

  it('shows a 404 page for an unknown address', async () => {
    app = await startExample()
    const res = await app.browser().get('/no/such/page')
    expect(res.status).to.equal(404)
    expectFriendlyPage(res, 'Page not found')
  })

  it('shows a friendly page for an oversized form', async () => {
    app = await startExample()
    const browser = app.browser()
    const token = csrfFrom((await browser.get('/login')).text)
    const res = await browser.post('/login', { _csrf: token, email: DEMO_USER.email, password: 'x'.repeat(20_000) })
    expect(res.status).to.equal(413)
    expectFriendlyPage(res, 'That did not work')
    expect(app.emulator.count('login')).to.equal(0)
  })
})
