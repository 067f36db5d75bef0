/**
 * Scenarios that every host of the session seam must pass the same way (the in-process Fastify app
 * and the packed framework apps), run through a cookie-keeping {@link Browser}. The app answers
 * `POST /login` with a 302 on success, `GET /me` with `{ signedIn, expiresAt }` (401 when signed out)
 * and `POST /logout` with a 302; its access tokens are due about 1.5 s before they expire.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import type { Browser } from './browser.js'

/** Signed in already: two parallel requests on a due token make one refresh call; sign-out makes one revoke. */
export async function expectOneRefreshThenOneRevoke(browser: Browser, emu: DinteroEmulator): Promise<void> {
  const before = (await browser.get('/me')).json as { expiresAt: number }
  const refreshes = emu.count('refresh')
  // Due (within the window) and in a new exp second, so Dintero's new access token differs.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, before.expiresAt - 1_500 - Date.now())))
  const [a, b] = await Promise.all([browser.get('/me'), browser.get('/me')])
  expect(emu.count('refresh'), 'refresh calls').to.equal(refreshes + 1)
  expect((a.json as { expiresAt: number }).expiresAt).to.be.greaterThan(before.expiresAt)
  expect(b.status).to.equal(200)
  const revokes = emu.count('revoke')
  expect((await browser.request('/logout', { method: 'POST' })).status).to.equal(302)
  expect(emu.count('revoke'), 'revoke calls').to.equal(revokes + 1)
  expect((await browser.get('/me')).status).to.equal(401)
}

/** An MFA customer: the password answers 401 and signs nobody in; the code then signs in (302). */
export async function expectMfaTwoStep(browser: Browser, emu: DinteroEmulator, customer: { email: string; password: string }): Promise<void> {
  expect((await browser.post('/login', { email: customer.email, password: customer.password })).status).to.equal(401)
  expect((await browser.get('/me')).status).to.equal(401)
  const code = emu.lastMfaCode(customer.email)
  expect(code).to.be.a('string')
  expect((await browser.post('/login', { code: code! })).status).to.equal(302)
  expect((await browser.get('/me')).json).to.include({ signedIn: true })
}
