/**
 * Hostile input at POST /login: each a Passport `fail` 400 or 401, never a success, never a 5xx,
 * and nothing sent to Dintero for a 400. Then thousands of random bodies (fast-check) held to the
 * same rules.
 */
import { expect } from 'chai'
import fc from 'fast-check'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator } from '../support/emulator.js'
import { evidence, figures } from '../support/figures.js'
import { type Attempt, type LoginInit, Probe, recordEvidence } from '../support/probe.js'

const MB = 1024 * 1024
const PW = KARI.password
const QUERY_PW = 'typed-into-a-url'

/** A JSON object written out by hand, so `__proto__` and `constructor` keys arrive as own keys. */
function jsonObject(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`
}
const json = (body: string): LoginInit => ({ body, headers: { 'content-type': 'application/json' } })

/** Nothing a login body can do may add properties to every object. */
function prototypeUntouched(): boolean {
  return ['email', 'password', 'isAdmin', 'polluted'].every((k) => !(k in Object.prototype))
}

describe('security: hostile input at POST /login', function () {
  let emu: DinteroEmulator
  let probe: Probe

  before(async () => {
    emu = await startEmulator()
    probe = await Probe.open(emu)
    evidence.secrets.add('password', PW)
  })
  after(async () => {
    await probe.close()
    await emu.stop()
  })

  function held(attempt: Attempt, status: 400 | 401): boolean {
    return (
      attempt.res.status === status &&
      attempt.outcomes.every((o) => o.kind !== 'success') &&
      !attempt.signedIn &&
      attempt.newSessions === 0 &&
      (status !== 400 || attempt.upstream === 0)
    )
  }

  function expectRefused(attempt: Attempt, status: 400 | 401): void {
    expect(attempt.res.status).to.equal(status)
    expect(attempt.outcomes.map((o) => o.kind)).not.to.include('success')
    expect(attempt.signedIn).to.equal(false)
    expect(attempt.newSessions).to.equal(0)
    if (status === 400) expect(attempt.upstream, 'requests sent to Dintero').to.equal(0)
    else expect(attempt.upstream, 'requests sent to Dintero').to.be.greaterThan(0)
  }

  // [name, body, status]: 400 when the form cannot be right, 401 when only Dintero can tell.
  const cases: Array<[string, LoginInit, 400 | 401]> = [
    ['arrays (JSON)', json(jsonObject([['email', [KARI.email]], ['password', [PW]]])), 400],
    ['arrays (repeated form fields)', { form: { email: [KARI.email, 'ola@example.no'], password: PW } }, 400],
    ['arrays (email[] form field)', { form: { 'email[]': KARI.email, password: PW } }, 400],
    ['objects (operator injection)', json(jsonObject([['email', { $ne: null }], ['password', { $gt: '' }]])), 400],
    ['numbers', json(jsonObject([['email', 4791234567], ['password', 12345678]])), 400],
    ['booleans and null', json(jsonObject([['email', true], ['password', null]])), 400],
    ['credentials under __proto__ (JSON)', json(jsonObject([['__proto__', { email: KARI.email, password: PW, isAdmin: true }]])), 400],
    ['credentials under __proto__ (form)', { body: `__proto__[email]=${encodeURIComponent(KARI.email)}&__proto__[password]=${PW}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 400],
    ['credentials under constructor.prototype', json(jsonObject([['constructor', { prototype: { email: KARI.email, password: PW, polluted: true } }]])), 400],
    ['a 1 MB username', json(jsonObject([['email', `${'a'.repeat(MB)}@example.no`], ['password', PW]])), 400],
    ['a 1 MB password', json(jsonObject([['email', KARI.email], ['password', 'p'.repeat(MB)]])), 400],
    ['a 1 MB phone number', json(jsonObject([['email', `+47${'9'.repeat(MB)}`], ['password', PW]])), 400],
    ['a NUL in the username', { form: { email: `${KARI.email}\u0000`, password: PW } }, 400],
    ['CR LF header injection in the username', { form: { email: `${KARI.email}\r\nX-Injected: 1`, password: PW } }, 400],
    ['a bell and an escape in the username', { form: { email: `ka\u0007ri\u001b@example.no`, password: PW } }, 400],
    ['control characters in the password (only Dintero can judge it)', { form: { email: KARI.email, password: `${PW}\u0000\u0007\r\n` } }, 401],
    ['a right-to-left override in the username', { form: { email: `\u202ekari@example.no`, password: PW } }, 401],
    ['a Cyrillic look-alike username', { form: { email: 'k\u0430ri@example.no', password: PW } }, 401],
    ['a password of 3 characters', { form: { email: KARI.email, password: 'abc' } }, 400],
    ['a password of 256 characters', { form: { email: KARI.email, password: 'p'.repeat(256) } }, 400],
    ['a username that is neither email nor phone', { form: { email: 'kari', password: PW } }, 400],
    ['a phone number with letters', { form: { email: '+4791234567abc', password: PW } }, 400],
    ['SQL in the username', { form: { email: "' OR 1=1 --", password: PW } }, 400],
    // A password in a URL is in every access log before the strategy runs (Express's router debug line
    // prints it): not one of the library's secrets, so not KARI's real password here.
    ['credentials only in the query string (ignored)', { path: `/login?email=${encodeURIComponent(KARI.email)}&password=${QUERY_PW}` }, 400],
    ['credentials in the query string, empty body fields', { path: `/login?email=${encodeURIComponent(KARI.email)}&password=${QUERY_PW}`, form: { email: '', password: '' } }, 400],
    ['an empty body', { body: '' }, 400],
    ['a text/plain body', { body: `email=${KARI.email}&password=${PW}`, headers: { 'content-type': 'text/plain' } }, 400],
    // Refused by Express's JSON parser before the strategy runs: still a 400, still nothing upstream.
    ['a JSON array at the top level', json(JSON.stringify([KARI.email, PW])), 400],
    ['malformed JSON', json(`{"email": "${KARI.email}", "password": `), 400],
  ]
  for (const [name, init, status] of cases) {
    it(`${name}: ${status}`, async () => {
      const attempt = await probe.login(init)
      figures.hostile.push({ name, held: held(attempt, status) && prototypeUntouched() })
      expectRefused(attempt, status)
      expect(prototypeUntouched(), 'Object.prototype untouched').to.equal(true)
    })
  }

  it('thousands of random bodies: only 400 or 401, never a success, never a 5xx, nothing upstream for a 400', async function () {
    this.timeout(240_000)
    const runs = 3000
    const key = fc.oneof(fc.constantFrom('email', 'password', '__proto__', 'constructor', 'prototype', 'toString', 'email[]', 'password[0]'), fc.string())
    const value = fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.constant(KARI.email))
    // Unique, long and recognisable, so the secrets scan can look for every one that reached Dintero.
    const password = fc.oneof(fc.stringMatching(/^pw-[a-z0-9]{12,20}$/), fc.string({ unit: 'binary', maxLength: 300 }))
    const username = fc.oneof(fc.emailAddress(), fc.constant(KARI.email), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/), fc.string({ unit: 'binary' }))
    const body: fc.Arbitrary<LoginInit> = fc.oneof(
      fc.array(fc.tuple(key, value), { maxLength: 6 }).map((entries) => json(jsonObject(entries))),
      fc.array(fc.tuple(key, fc.string({ unit: 'binary' })), { maxLength: 6 }).map((entries) => ({ body: new URLSearchParams(entries).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })),
      fc.record({ email: username, password }).map((form) => ({ form })),
      fc.record({ email: username, password }).map((creds) => json(JSON.stringify(creds))),
      fc.tuple(fc.string({ unit: 'binary' }), fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data')).map(([raw, type]) => ({ body: raw, headers: { 'content-type': type } })),
    )
    const stats = figures.randomBodies
    const browser = new Browser(probe.app.url)
    await fc.assert(
      fc.asyncProperty(body, async (init) => {
        const first = probe.app.outcomes.length
        const before = emu.count()
        const res = await browser.request('/login', { method: 'POST', ...init })
        const outcomes = probe.app.outcomes.slice(first)
        const upstream = emu.count() - before
        recordEvidence(res, outcomes)
        if (upstream > 0) {
          const sent = init.form?.['password'] ?? (init.body?.startsWith('{') ? (JSON.parse(init.body) as { password?: unknown }).password : undefined)
          if (typeof sent === 'string' && sent.startsWith('pw-')) evidence.secrets.add('random password', sent)
        }
        const ok =
          (res.status === 400 || res.status === 401) &&
          outcomes.every((o) => o.kind !== 'success') &&
          (res.status !== 400 || upstream === 0)
        stats.tried++
        if (ok) stats.held++
        stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1
        expect(res.status, `status for ${JSON.stringify(init).slice(0, 300)}`).to.be.oneOf([400, 401])
        expect(outcomes.map((o) => o.kind)).not.to.include('success')
        if (res.status === 400) expect(upstream, 'requests sent to Dintero for a 400').to.equal(0)
      }),
      { numRuns: runs },
    )
    expect(stats.tried).to.be.at.least(runs)
    expect(browser.jar.size, 'session cookies handed out').to.equal(0)
    expect(Object.keys(await probe.app.sessions())).to.have.length(0)
    expect(prototypeUntouched()).to.equal(true)
  })
})
