/**
 * deserializeUser over real HTTP: a session whose stored user was tampered with in the store (one field
 * at a time, each to a value of the wrong type) signs the visitor out instead of failing or signing them
 * in; a well-formed session without a refresh token still signs in. Express 5 + express-session +
 * Passport against the emulator.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { SnapshotStore } from '../support/snapshot-store.js'

type Tamper = (user: any) => unknown

const tampers: [string, Tamper][] = [
  ['the user replaced by a string', () => 'c1'],
  ['the user replaced by an array', (u) => [u.id, u.tokens]],
  ['a numeric id', (u) => ({ ...u, id: 42 })],
  ['another customer id', (u) => ({ ...u, id: `${u.id}-other` })],
  ['tokens that are null', (u) => ({ ...u, tokens: null })],
  ['tokens that are a string', (u) => ({ ...u, tokens: u.tokens.accessToken })],
  ['tokens that are an array', (u) => ({ ...u, tokens: [u.tokens] })],
  ['a numeric accessToken', (u) => ({ ...u, tokens: { ...u.tokens, accessToken: 42 } })],
  ['an accessToken that is not a JWT', (u) => ({ ...u, tokens: { ...u.tokens, accessToken: 'garbage' } })],
  ['a numeric tokenType', (u) => ({ ...u, tokens: { ...u.tokens, tokenType: 42 } })],
  ['a missing tokenType', (u) => ({ ...u, tokens: { ...u.tokens, tokenType: undefined } })],
  ['a string expiresAt', (u) => ({ ...u, tokens: { ...u.tokens, expiresAt: String(u.tokens.expiresAt) } })],
  ['a numeric refreshToken', (u) => ({ ...u, tokens: { ...u.tokens, refreshToken: 42 } })],
  ['a null refreshToken', (u) => ({ ...u, tokens: { ...u.tokens, refreshToken: null } })],
]

describe('a tampered session in the store signs the visitor out (deserializeUser over HTTP)', () => {
  let emu: DinteroEmulator
  let app: TestApp
  let store: SnapshotStore
  useEmulator((e) => (emu = e))

  before(async () => {
    store = new SnapshotStore()
    app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu)), { store })
  })
  after(async () => {
    await app.close()
  })

  /** A new visitor, signed in; the id of their session. */
  async function signedIn(): Promise<{ browser: Browser; sid: string }> {
    const browser = new Browser(app.url)
    const known = new Set(Object.keys(await app.sessions()))
    expect((await browser.post('/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
    expect((await browser.get('/me')).json.signedIn).to.equal(true)
    const sid = Object.keys(await app.sessions()).find((id) => !known.has(id))!
    return { browser, sid }
  }

  async function tamper(sid: string, change: Tamper): Promise<void> {
    const data = await store.read(sid)
    await store.write(sid, { ...data, passport: { user: change(data.passport.user) } })
  }

  for (const [label, change] of tampers) {
    it(`${label}: signed out, not an error`, async () => {
      const { browser, sid } = await signedIn()
      await tamper(sid, change)
      const me = await browser.get('/me')
      expect(me.status).to.equal(401)
      expect(me.json).to.deep.equal({ signedIn: false })
    })
  }

  it('a well-formed session without a refresh token still signs in', async () => {
    const { browser, sid } = await signedIn()
    await tamper(sid, (u) => {
      const { refreshToken: _dropped, ...tokens } = u.tokens
      return { ...u, tokens }
    })
    const me = await browser.get('/me')
    expect(me.status).to.equal(200)
    expect(me.json).to.include({ signedIn: true, hasRefreshToken: false })
  })
})
