/**
 * Attacks on the access token Dintero's login answers with (the emulator tampers with it on the
 * way out). Each must end in Passport `error`, never `success`, and leave no session behind.
 */
import { expect } from 'chai'
import { TokenVerificationError, UpstreamError } from '../../lib/index.js'
import type { DinteroEmulator, EmulatorFault } from '../../lib/testing/index.js'
import { KARI } from '../support/emulator.js'
import { figures } from '../support/figures.js'
import type { Bystander } from '../support/listener.js'
import { type Attempt, useProbes } from '../support/probe.js'

const creds = { email: KARI.email, password: KARI.password }

describe('security: attacks on the token', function () {
  const rig = useProbes()
  let emu: DinteroEmulator
  let bystander: Bystander
  before(() => ({ emu, bystander } = rig))

  /** Signs in once for real (so the key set is cached), then logs in with the attack armed. */
  async function attack(name: string, tamper: EmulatorFault['accessToken'], options: { over?: object; arrange?: () => void } = {}): Promise<Attempt> {
    const probe = await rig.open(options.over)
    expect((await probe.login({ form: creds })).res.status, 'a genuine login first').to.equal(200)
    options.arrange?.()
    emu.fault('login', { accessToken: tamper })
    const attempt = await probe.login({ form: creds })
    const refused = attempt.outcomes.length === 1 && attempt.outcomes[0]!.kind === 'error' && !attempt.signedIn && attempt.newSessions === 0
    figures.attacks.push({ name, held: refused })
    expect(attempt.outcomes.map((o) => o.kind), 'one Passport action: error').to.deep.equal(['error'])
    expect(attempt.res.status).to.equal(attempt.outcomes[0]!.error.status)
    expect(attempt.signedIn, 'signed in afterwards').to.equal(false)
    expect(attempt.newSessions, 'sessions created').to.equal(0)
    return attempt
  }

  function refusedAsInvalidToken(attempt: Attempt): void {
    expect(attempt.outcomes[0]!.error).to.be.instanceOf(TokenVerificationError)
    expect(attempt.res.status).to.equal(502)
  }

  const named: Array<[string, EmulatorFault['accessToken']]> = [
    ['alg none', 'alg-none'],
    ['HS256 signed with the public key as the HMAC secret', 'hs256-public-key'],
    ['a known kid, signed by another key', 'wrong-key'],
    ['payload altered after signing', 'payload-altered'],
    ['expired', 'expired'],
    ['nbf an hour ahead (beyond the 30 s tolerance)', 'nbf-future'],
    ['no exp', 'no-exp'],
    ['wrong aud (another account)', 'wrong-aud'],
  ]
  for (const [name, tamper] of named) {
    it(name, async () => refusedAsInvalidToken(await attack(name, tamper)))
  }

  it('no kid while the key set holds several keys', async () => {
    refusedAsInvalidToken(await attack('no kid, several keys in the set', 'no-kid', { arrange: () => emu.rotateKeys() }))
    expect(emu.kids.length).to.be.greaterThan(1)
  })

  it('a kid that is in no key set: one refetch, then error', async () => {
    let keysBefore = 0
    const attempt = await attack('a kid in no key set', 'unknown-kid', { arrange: () => (keysBefore = emu.count('keys')) })
    refusedAsInvalidToken(attempt)
    expect(emu.count('keys') - keysBefore, 'key-set fetches for the unknown kid').to.equal(1)
  })

  it('wrong iss when issuer is configured', async () => {
    refusedAsInvalidToken(await attack('wrong iss, issuer configured', 'wrong-iss', { over: { issuer: emu.issuer } }))
  })

  it('a 1 MB token (stopped by the response cap before it is parsed)', async () => {
    const attempt = await attack('a 1 MB token', 'huge')
    expect(attempt.outcomes[0]!.error).to.be.instanceOf(UpstreamError)
    expect(attempt.outcomes[0]!.error.message).to.match(/larger than allowed/)
  })

  it('a 100 KB token (under the response cap, over the token limit)', async () => {
    const pad = (claims: Record<string, unknown>) => emu.signToken({ ...claims, padding: 'x'.repeat(100_000) })
    refusedAsInvalidToken(await attack('a 100 KB token', pad))
  })

  it('another RSA algorithm in the header (PS256)', async () => {
    refusedAsInvalidToken(await attack('alg PS256', (claims) => emu.signToken(claims, { header: { alg: 'PS256' } })))
  })

  it('no sub', async () => {
    refusedAsInvalidToken(await attack('no sub', ({ sub: _sub, ...claims }) => emu.signToken(claims)))
  })

  it('exp as a string', async () => {
    refusedAsInvalidToken(await attack('exp as a string', (claims) => emu.signToken({ ...claims, exp: '9999999999' })))
  })

  it('an attacker key embedded in the header (jwk, jku, x5u): never fetched, never trusted', async () => {
    const header = {
      jku: `${bystander.url}/jwks.json`,
      x5u: `${bystander.url}/cert.pem`,
      jwk: { kty: 'RSA', e: 'AQAB', n: 'attacker-modulus' },
      kid: 'attacker-key',
    }
    const attempt = await attack('jwk/jku/x5u headers pointing at another host', (claims) => emu.signToken(claims, { key: 'foreign', header }))
    refusedAsInvalidToken(attempt)
    expect(bystander.requests, 'requests at the jku/x5u host').to.deep.equal([])
  })

  it('a kid that tries path traversal', async () => {
    refusedAsInvalidToken(await attack('kid "../../../etc/passwd"', (claims) => emu.signToken(claims, { kid: '../../../etc/passwd' })))
  })

  it('a flood of logins carrying unknown kids does not flood Dintero with key-set fetches', async () => {
    const limit = 10
    emu.resetCounts()
    const probe = await rig.open({ jwksRequestsPerMinute: limit })
    expect((await probe.login({ form: creds })).res.status).to.equal(200)
    let n = 0
    emu.fault('login', { accessToken: (claims) => emu.signToken(claims, { kid: `made-up-${n++}` }) })
    const keysBefore = emu.count('keys')
    const logins = 200
    const batches = []
    for (let i = 0; i < logins; i += 50) batches.push(await probe.loginMany(50, { form: creds }))
    const keyFetches = emu.count('keys')
    figures.keyFloods.push({ logins, keyFetches: keyFetches - keysBefore, limit })
    expect(batches.flatMap((b) => b.responses.map((r) => r.status))).to.deep.equal(Array(logins).fill(502))
    expect(batches.flatMap((b) => b.outcomes.map((o) => o.kind))).to.deep.equal(Array(logins).fill('error'))
    expect(batches.map((b) => b.signedIn + b.newSessions)).to.deep.equal([0, 0, 0, 0])
    expect(n).to.equal(logins)
    // The first fetch (the genuine login) counts against the same per-minute budget.
    expect(keyFetches).to.be.at.most(limit)
    expect(keyFetches - keysBefore).to.be.greaterThan(0)
    // A genuine login still works: its key is cached, so the exhausted budget does not matter.
    emu.clearFaults()
    expect((await probe.login({ form: creds })).res.status).to.equal(200)
  })
})
