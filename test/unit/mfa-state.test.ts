/**
 * The pending MFA sign-in's counts only go down: newestPending and PendingCounters (issue 14, finding 2).
 */
import { expect } from 'chai'
import { inspect } from 'node:util'
import {
  dropPending,
  newestPending,
  PendingCounters,
  type PendingMfa,
  pendingKey,
  readPending,
  readStoredPending,
  serverSession,
  serverSessionId,
  writePending,
} from '../../lib/mfa-state.js'

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

  it('keeps mfa tokens and oob codes out of util.inspect, with hidden fields shown too', () => {
    const counters = new PendingCounters(() => 0)
    counters.record(base)
    expect(counters.size).to.equal(1)
    expect(inspect(counters, { depth: 5 })).not.to.include('mfa-token-secret').and.not.to.include('oob-1')
    expect(inspect(counters, { depth: 5, showHidden: true })).not.to.include('mfa-token-secret').and.not.to.include('oob-1')
  })
})

describe('PendingCounters: forgetting sign-ins past their expiry', () => {
  it('sweeps at most once a second, and forgets a sign-in from its expiresAt on', () => {
    let now = 0
    const counters = new PendingCounters(() => now)
    counters.record({ ...base, mfaToken: 'a', expiresAt: 1_000, attemptsLeft: 1 })
    counters.record({ ...base, mfaToken: 'b', expiresAt: 1_500 })
    expect(counters.size).to.equal(2)
    now = 999 // nothing has expired, and the last sweep was at 0 anyway
    counters.record({ ...base, mfaToken: 'c', expiresAt: 1_500 })
    expect(counters.size).to.equal(3)
    now = 1_000 // a second since the last sweep, and 'a' expires now: forgotten
    counters.end({ ...base, mfaToken: 'd', expiresAt: 5_000 })
    expect(counters.size).to.equal(3)
    expect(counters.merge({ ...base, mfaToken: 'a', attemptsLeft: 5 })!.attemptsLeft).to.equal(5)
    expect(counters.merge({ ...base, mfaToken: 'd' })).to.equal(undefined)
    now = 1_999 // 'b' and 'c' have expired, but the last sweep was at 1000: kept until the next one
    counters.record({ ...base, mfaToken: 'e', expiresAt: 5_000 })
    expect(counters.size).to.equal(4)
    now = 2_000
    counters.record({ ...base, mfaToken: 'f', expiresAt: 5_000 })
    expect(counters.size).to.equal(3) // d, e, f
  })
})

describe('the pending entry in the session', () => {
  const key = pendingKey('dintero')

  it('is kept under a key named for the strategy', () => {
    expect(pendingKey('dintero')).to.equal('passport-dintero:mfa:dintero')
    expect(pendingKey('shop')).to.equal('passport-dintero:mfa:shop')
  })

  it('reads back what was written, and reads as none once dropped', () => {
    const session: Record<string, unknown> = { other: 1 }
    expect(readPending(session, key)).to.equal(undefined)
    writePending(session, key, base)
    expect(readPending(session, key)).to.deep.equal(base)
    dropPending(session, key)
    expect(session).to.deep.equal({ other: 1 })
  })

  it('a malformed entry is deleted from the session and reads as none', () => {
    const session: Record<string, unknown> = { [key]: { ...base, attemptsLeft: 'many' }, other: 1 }
    expect(readPending(session, key)).to.equal(undefined)
    expect(session).to.deep.equal({ other: 1 })
  })
})

describe('readStoredPending: the entry as the store holds it now', () => {
  const key = pendingKey('dintero')
  const request = (store?: Record<string, unknown> | null) => ({
    sessionID: 'sid-1',
    session: {},
    ...(store === undefined ? {} : { sessionStore: { get: (_sid: string, cb: (err: unknown, s?: unknown) => void) => cb(null, store) } }),
  })

  it('undefined when the host has no store to ask', async () => {
    expect(await readStoredPending(request(), key)).to.equal(undefined)
  })

  it('null when the store holds no session under the id, or a session without the entry', async () => {
    expect(await readStoredPending(request(null), key)).to.equal(null)
    expect(await readStoredPending(request({ other: 1 }), key)).to.equal(null)
  })

  it('null when the stored entry is malformed; the entry when it is sound', async () => {
    expect(await readStoredPending(request({ [key]: { ...base, oobCode: '' } }), key)).to.equal(null)
    expect(await readStoredPending(request({ [key]: base }), key)).to.deep.equal(base)
  })
})

describe('serverSession: only a session with an id counts', () => {
  it('express-session (req.sessionID) counts; a cookie-only session and none do not', () => {
    const session = { a: 1 }
    expect(serverSession({ sessionID: 'sid-1', session })).to.equal(session)
    expect(serverSessionId({ sessionID: 'sid-1', session })).to.equal('sid-1')
    expect(serverSession({ session })).to.equal(undefined)
    expect(serverSession({})).to.equal(undefined)
  })
})
