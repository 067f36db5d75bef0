/**
 * The pending MFA sign-in's counts only go down: newestPending and PendingCounters (issue 14, finding 2).
 */
import { expect } from 'chai'
import { inspect } from 'node:util'
import { newestPending, PendingCounters, type PendingMfa } from '../../lib/mfa-state.js'

const base: PendingMfa = {
  mfaToken: 'mfa-token-secret',
  oobCode: 'oob-1',
  channel: 'sms',
  expiresAt: 10_000,
  attemptsLeft: 5,
  resendsLeft: 3,
  sentAt: 1_000,
}

describe('newestPending', () => {
  it('takes the lowest counts, the earliest expiry and the latest challenge', () => {
    const stale = { ...base, attemptsLeft: 2, expiresAt: 9_000 }
    const resent = { ...base, oobCode: 'oob-2', sentAt: 2_000, resendsLeft: 2 }
    expect(newestPending(stale, resent)).to.deep.equal({ ...base, oobCode: 'oob-2', sentAt: 2_000, attemptsLeft: 2, resendsLeft: 2, expiresAt: 9_000 })
    expect(newestPending(resent, stale)).to.deep.equal(newestPending(stale, resent))
  })

  it('leaves another sign-in alone', () => {
    expect(newestPending(base, { ...base, mfaToken: 'other', attemptsLeft: 0 })).to.equal(base)
  })
})

describe('PendingCounters', () => {
  it('no copy of the session can raise a count it recorded', () => {
    const counters = new PendingCounters(() => 0)
    counters.record({ ...base, attemptsLeft: 3 })
    expect(counters.merge(base)!.attemptsLeft).to.equal(3)
    counters.record({ ...base, attemptsLeft: 4 }) // a stale state recorded later changes nothing
    expect(counters.merge(base)!.attemptsLeft).to.equal(3)
  })

  it('an ended sign-in reads as none; sign-ins past their expiry are forgotten', () => {
    let now = 0
    const counters = new PendingCounters(() => now)
    counters.end(base)
    expect(counters.merge(base)).to.equal(undefined)
    now = base.expiresAt + 2_000
    counters.record({ ...base, mfaToken: 'another', expiresAt: now + 10_000 })
    expect(counters.size).to.equal(1)
    expect(counters.merge(base)).to.deep.equal(base)
  })

  it('keeps mfa tokens and oob codes out of util.inspect', () => {
    const counters = new PendingCounters(() => 0)
    counters.record(base)
    expect(inspect(counters, { depth: 5 })).not.to.include('mfa-token-secret').and.not.to.include('oob-1')
  })
})
