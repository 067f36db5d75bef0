/**
 * The typed claims of DinteroClaims (issue 17, finding 3): `email`, `phone_number`, `type` and `scope`
 * are strings when present, at sign-in and when read back from the session; a token carrying another
 * type for one of them has that claim dropped, over real HTTP against the emulator.
 */
import { expect } from 'chai'
import type { DinteroClaims, DinteroUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'

/** Compiles under --strict only while the common claims are typed (checked by `npm run typecheck`). */
export function emailOf(user: DinteroUser): string | undefined {
  const e: string | undefined = user.claims.email
  const p: string | undefined = user.claims.phone_number
  const t: string | undefined = user.claims.type
  const s: string | undefined = user.claims.scope
  return e ?? p ?? t ?? s
}

describe('typed claims', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined
  let seen: DinteroClaims[]

  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function claimsOnBothPaths(email: string, password: string): Promise<{ atSignIn: DinteroClaims; fromSession: any }> {
    seen = []
    app = await startApp(
      strategyOptions(emu),
      async (tokens, claims) => {
        seen.push(claims)
        return { id: claims.sub, claims, tokens }
      },
      { routes: (a) => a.get('/claims', (req, res) => res.json((req.user as DinteroUser).claims)) },
    )
    const browser = new Browser(app.url)
    expect((await browser.post('/login', { email, password })).status).to.equal(200)
    const fromSession = (await browser.get('/claims')).json
    return { atSignIn: seen[0]!, fromSession }
  }

  it('a customer token carries email, phone_number, type and scope as strings', async () => {
    const { atSignIn, fromSession } = await claimsOnBothPaths(KARI.email, KARI.password)
    for (const claims of [atSignIn, fromSession]) {
      expect(claims.email).to.equal(KARI.email)
      expect(claims.phone_number).to.equal(KARI.phone)
      expect(claims.type).to.equal('customer')
      expect(claims.scope).to.be.a('string')
    }
  })

  it('a non-string email, type or scope is dropped; a string phone_number is kept', async () => {
    emu.addUser({ email: 'odd@example.com', password: 'odd-password-1', phone: '+4791111111', claims: { email: 42, type: ['customer'], scope: { a: 1 } } })
    const { atSignIn, fromSession } = await claimsOnBothPaths('odd@example.com', 'odd-password-1')
    for (const claims of [atSignIn, fromSession]) {
      expect(claims).to.not.have.property('email')
      expect(claims).to.not.have.property('type')
      expect(claims).to.not.have.property('scope')
      expect(claims.phone_number).to.equal('+4791111111')
    }
  })
})
