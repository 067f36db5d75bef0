/**
 * Regression (issue 14, finding 2, second reproduction): the example app itself (its rate limit
 * raised, MemoryStore), a stream of code posts about every 0.3 ms in one session, `mfaMaxAttempts: 3`:
 * at most 3 code checks reach Dintero, in every run. The review saw 4 or 5 get through; on this
 * machine (client, app and emulator in one process) the unchanged code held in every run tried, so the
 * failing reproduction is test/integration/mfa-limits-race.test.ts; this one keeps the invariant.
 */
import { expect } from 'chai'
import { DEMO_MFA_USER, emulatorStrategyOptions } from '../../example-app/demo.js'
import { csrfFrom, type RunningExample, signIn, startExample } from '../support/example-app.js'

const RUNS = 5
const POSTS = 300
const SPACING_MS = 0.3

describe('example app: the MFA attempt limit holds against a stream of code posts', function () {
  this.timeout(60_000)
  let base: RunningExample
  let app: RunningExample
  before(async () => {
    base = await startExample()
    app = await startExample({
      dintero: { ...emulatorStrategyOptions(base.emulator), mfaMaxAttempts: 3 },
      loginRateLimit: { limit: 100_000 },
    })
  })
  after(async () => {
    await app?.close()
    await base?.close()
  })

  for (let run = 1; run <= RUNS; run++) {
    it(`run ${run}: at most 3 code checks reach Dintero`, async () => {
      const browser = app.browser()
      expect((await signIn(browser, DEMO_MFA_USER.email, DEMO_MFA_USER.password)).location).to.equal('/login/mfa')
      const page = await browser.get('/login/mfa')
      const code = base.emulator.lastMfaCode(DEMO_MFA_USER.email)!
      const wrong = code === '000000' ? '111111' : '000000'
      const body = new URLSearchParams({ _csrf: csrfFrom(page.text), code: wrong }).toString()
      const before = base.emulator.count('mfa_token')
      const posts: Promise<number>[] = []
      let next = performance.now()
      for (let i = 0; i < POSTS; i++) {
        while (performance.now() < next) await new Promise((resolve) => setImmediate(resolve))
        next += SPACING_MS
        posts.push(
          fetch(`${app.url}/login/mfa`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.jar.header() },
            body,
          }).then(async (res) => {
            await res.arrayBuffer()
            return res.status
          }),
        )
      }
      const statuses = await Promise.all(posts)
      expect(statuses.every((s) => s === 401 || s === 429 || s === 400), statuses.join(',')).to.equal(true)
      const checks = base.emulator.count('mfa_token') - before
      expect(checks, 'code checks at Dintero').to.be.at.most(3)
    })
  }
})
