/**
 * MfaFlow on a fake clock (issue 18): the boundaries no test over HTTP can hit to the millisecond. The
 * sign-in stops accepting codes at `expiresAt` exactly (pending(), a code, a resend), a resend is
 * allowed at `sentAt + mfaResendInterval` exactly, and `retryAfter` rounds the wait up to whole
 * seconds. Dintero is a fake client; the session is an express-session-shaped request with a store.
 */
import { expect } from 'chai'
import type { DinteroClient, IssuedTokens } from '../../lib/dintero-client.js'
import { MfaCodeRejectedError, MfaExpiredError, RateLimitedError } from '../../lib/errors.js'
import { MfaFlow } from '../../lib/mfa.js'
import { pendingKey } from '../../lib/mfa-state.js'
import { resolveOptions } from '../../lib/options.js'
import type { Ident } from '../../lib/sign-in.js'

const KEY = pendingKey('dintero')
const LIFETIME = 300_000
const INTERVAL = 30_000
const T0 = 1_000_000

/** A fake Dintero: counts calls; `challenge` and `grant` say what the next call does. */
function fakeClient() {
  const calls = { challenge: 0, grant: 0 }
  const behaviour: { challenge: () => string; grant: (code: string) => IssuedTokens } = {
    challenge: () => `oob-${calls.challenge}`,
    grant: () => ({ accessToken: 'access' }) as unknown as IssuedTokens,
  }
  const client = {
    mfaChallenge: async () => {
      calls.challenge++
      return behaviour.challenge()
    },
    mfaGrant: async (_token: string, _oob: string, code: string) => {
      calls.grant++
      return behaviour.grant(code)
    },
  } as unknown as DinteroClient
  return { client, calls, behaviour }
}

/** An express-session-shaped request: `sessionID`, a session with `save()`, a store with `get()`. */
function fakeRequest(withStore = true) {
  const stored = new Map<string, string>()
  const data: Record<string, unknown> = {}
  const session = Object.assign(data, {
    save(cb: (err?: unknown) => void) {
      const { save: _save, ...rest } = session as Record<string, unknown>
      stored.set('sid-1', JSON.stringify(rest))
      cb()
    },
  })
  const req = {
    sessionID: 'sid-1',
    session,
    stored,
    sessionStore: !withStore ? undefined : {
      get: (sid: string, cb: (err: unknown, s?: Record<string, unknown> | null) => void) => {
        const raw = stored.get(sid)
        cb(null, raw === undefined ? null : JSON.parse(raw))
      },
    },
  }
  return { req, session: session as Record<string, any> }
}

const email: Ident = { type: 'email', value: 'ola@example.no' }

function setUp(over: Record<string, unknown> = {}, withStore = true) {
  let now = T0
  const options = resolveOptions({
    accountId: 'T12345678',
    clientId: 'client',
    clientSecret: 'secret',
    baseUrl: 'http://127.0.0.1:1',
    mfa: 'auto',
    mfaLifetime: LIFETIME,
    mfaResendInterval: INTERVAL,
    ...over,
  })
  const fake = fakeClient()
  const flow = new MfaFlow(options, fake.client, () => now)
  const { req, session } = fakeRequest(withStore)
  return {
    flow,
    req,
    session,
    ...fake,
    /** Step 1, and the session saved as express-session does when the response ends. */
    start: async (ident: Ident = email, told?: string) => {
      const action = await flow.start(req, { mfaToken: 'mfa-token', channel: told }, ident)
      await new Promise((resolve) => session['save'](resolve))
      return action
    },
    at: (t: number) => {
      now = t
    },
  }
}

describe('MfaFlow on a fake clock', () => {
  describe('start', () => {
    it('says where the code went: by SMS, by email, or a channel it has no words for', async () => {
      const cases = [
        [undefined, { type: 'phone_number', value: '+4791234567' }, 'We sent you a code by SMS. Enter it to sign in.', 'sms'],
        [undefined, email, 'We sent you a code by email. Enter it to sign in.', 'email'],
        ['voice', email, 'We sent you a code. Enter it to sign in.', 'voice'],
      ] as const
      for (const [told, ident, message, channel] of cases) {
        const { start } = setUp()
        const action = await start(ident, told)
        expect(action).to.deep.equal({ kind: 'fail', status: 401, info: { message, code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true, channel } })
      }
    })

    it('keeps the pending sign-in with the configured lifetime and counts', async () => {
      const { session, start } = setUp({ mfaMaxAttempts: 4, mfaMaxResends: 2 })
      await start()
      expect(session[KEY]).to.deep.equal({
        mfaToken: 'mfa-token',
        oobCode: 'oob-1',
        channel: 'email',
        expiresAt: T0 + LIFETIME,
        attemptsLeft: 4,
        resendsLeft: 2,
        sentAt: T0,
      })
    })
  })

  describe('expiry at expiresAt exactly', () => {
    it('pending() shows the sign-in until the millisecond before it expires, and not from then on', async () => {
      const { flow, req, at, start } = setUp()
      await start()
      at(T0 + LIFETIME - 1)
      expect(flow.pending(req)).to.deep.equal({ channel: 'email', expiresAt: T0 + LIFETIME, attemptsLeft: 5, resendsLeft: 3, resendAt: T0 + INTERVAL })
      at(T0 + LIFETIME)
      expect(flow.pending(req)).to.equal(undefined)
    })

    it('a code typed at expiresAt is refused as expired, without asking Dintero, and the sign-in is dropped', async () => {
      const { flow, req, session, calls, at, start } = setUp()
      await start()
      at(T0 + LIFETIME)
      const step = await flow.redeem(req, '123456')
      expect(step).to.deep.equal({ kind: 'fail', status: 401, info: { message: 'The sign-in has expired. Sign in again.', code: 'ERR_DINTERO_MFA_EXPIRED' } })
      expect(calls.grant).to.equal(0)
      expect(session).not.to.have.property(KEY)
    })

    it('an expired sign-in is refused as expired even when the code typed is malformed', async () => {
      const { flow, req, at, start } = setUp()
      await start()
      at(T0 + LIFETIME)
      expect(await flow.redeem(req, '!!')).to.include({ status: 401 })
    })

    it('a code typed the millisecond before is checked', async () => {
      const { flow, req, calls, at, start } = setUp()
      await start()
      at(T0 + LIFETIME - 1)
      expect(await flow.redeem(req, '123456')).to.include({ kind: 'tokens' })
      expect(calls.grant).to.equal(1)
    })

    it('a resend at expiresAt is refused as expired, without asking Dintero', async () => {
      const { flow, req, calls, at, start } = setUp()
      await start()
      at(T0 + LIFETIME)
      expect(await flow.resend(req)).to.deep.equal({
        sent: false,
        status: 401,
        info: { message: 'The sign-in has expired. Sign in again.', code: 'ERR_DINTERO_MFA_EXPIRED' },
      })
      expect(calls.challenge).to.equal(1)
    })
  })

  describe('resend interval', () => {
    it('refuses a resend until sentAt + mfaResendInterval, with retryAfter rounded up to whole seconds', async () => {
      const { flow, req, calls, at, start } = setUp()
      await start()
      for (const [t, retryAfter] of [
        [T0, 30],
        [T0 + INTERVAL - 1_001, 2],
        [T0 + INTERVAL - 1, 1],
      ] as const) {
        at(t)
        expect(await flow.resend(req), String(t)).to.deep.equal({
          sent: false,
          status: 429,
          info: {
            message: 'Wait a little before asking for a new code.',
            code: 'ERR_DINTERO_MFA_RESEND_LIMITED',
            mfaRequired: true,
            channel: 'email',
            attemptsLeft: 5,
            retryAfter,
          },
        })
      }
      expect(calls.challenge).to.equal(1)
      at(T0 + INTERVAL)
      expect(await flow.resend(req)).to.deep.equal({ sent: true, channel: 'email', resendsLeft: 2 })
      expect(calls.challenge).to.equal(2)
      expect(flow.pending(req)).to.include({ resendsLeft: 2, resendAt: T0 + 2 * INTERVAL })
    })

    it('passes on Dintero\'s own 429 with its Retry-After, or without one when Dintero gave none', async () => {
      const { flow, req, behaviour, at, start } = setUp({ mfaResendInterval: 0 })
      await start()
      at(T0 + 1)
      behaviour.challenge = () => {
        throw new RateLimitedError('slow down', { retryAfter: 9 })
      }
      const limited = { message: 'Wait a little before asking for a new code.', code: 'ERR_DINTERO_RATE_LIMITED', mfaRequired: true, channel: 'email', attemptsLeft: 5 }
      expect(await flow.resend(req)).to.deep.equal({ sent: false, status: 429, info: { ...limited, retryAfter: 9 } })
      behaviour.challenge = () => {
        throw new RateLimitedError('slow down')
      }
      const res = await flow.resend(req)
      expect(res).to.deep.equal({ sent: false, status: 429, info: limited })
      expect((res as { info: object }).info).not.to.have.property('retryAfter')
      // Each refused resend still spent one (it may have been counted at Dintero too).
      expect(flow.pending(req)).to.include({ resendsLeft: 1 })
    })
  })

  describe('wrong codes', () => {
    it('counts down in words: "2 attempts left.", "1 attempt left.", then too many', async () => {
      const { flow, req, behaviour, start } = setUp({ mfaMaxAttempts: 3 })
      behaviour.grant = () => {
        throw new MfaCodeRejectedError('wrong')
      }
      await start()
      const infos = []
      for (let i = 0; i < 3; i++) infos.push(((await flow.redeem(req, '000000')) as { info: unknown }).info)
      expect(infos).to.deep.equal([
        { message: 'Wrong code. 2 attempts left.', code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, channel: 'email', attemptsLeft: 2 },
        { message: 'Wrong code. 1 attempt left.', code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, channel: 'email', attemptsLeft: 1 },
        { message: 'Too many wrong codes. Sign in again.', code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 0 },
      ])
      expect(flow.pending(req)).to.equal(undefined)
    })
  })

  describe('the store\'s state inside the lock', () => {
    const editStore = (req: { stored: Map<string, string> }, edit: (p: Record<string, any>) => void) => {
      const data = JSON.parse(req.stored.get('sid-1')!)
      edit(data[KEY])
      req.stored.set('sid-1', JSON.stringify(data))
    }

    it('a store that no longer holds the session: the code and the resend find no sign-in, and the copy forgets it', async () => {
      const { flow, req, session, calls, start } = setUp()
      await start()
      req.stored.delete('sid-1') // signed out or regenerated meanwhile
      const notStarted = { message: 'No sign-in is waiting for a code. Sign in again.', code: 'ERR_DINTERO_MFA_NOT_STARTED' }
      expect(await flow.redeem(req, '123456')).to.deep.equal({ kind: 'fail', status: 400, info: notStarted })
      expect(session).not.to.have.property(KEY)
      session[KEY] = { mfaToken: 'mfa-token', oobCode: 'oob-1', channel: 'email', expiresAt: T0 + LIFETIME, attemptsLeft: 5, resendsLeft: 3, sentAt: T0 - INTERVAL }
      expect(await flow.resend(req)).to.deep.equal({ sent: false, status: 400, info: notStarted })
      expect(session).not.to.have.property(KEY)
      expect([calls.grant, calls.challenge]).to.deep.equal([0, 1])
    })

    it('an earlier expiry in the store wins over the request\'s copy, to the millisecond', async () => {
      const { flow, req, calls, at, start } = setUp()
      await start()
      editStore(req, (p) => (p['expiresAt'] = T0 + 100))
      at(T0 + 100)
      expect(await flow.redeem(req, '123456')).to.deep.include({ status: 401, info: { message: 'The sign-in has expired. Sign in again.', code: 'ERR_DINTERO_MFA_EXPIRED' } })
      expect(calls.grant).to.equal(0)
    })

    it('a stale copy saved to the store gives no attempt back: the lower count of copy and store counts', async () => {
      const { flow, req, session, behaviour, start } = setUp()
      behaviour.grant = () => {
        throw new MfaCodeRejectedError('wrong')
      }
      await start()
      session[KEY].attemptsLeft = 2 // this request's copy, newer than the store's (5)
      expect(await flow.redeem(req, '000000')).to.deep.include({ status: 401, info: { message: 'Wrong code. 1 attempt left.', code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, channel: 'email', attemptsLeft: 1 } })
    })

    it('a host without a store: the request\'s copy is the state', async () => {
      const { flow, req, start } = setUp({}, false)
      await start()
      expect(await flow.redeem(req, '123456')).to.include({ kind: 'tokens' })
    })
  })

  describe('resend refused by Dintero', () => {
    it('Dintero says the sign-in expired: 401, and the sign-in is dropped', async () => {
      const { flow, req, session, behaviour, at, start } = setUp({ mfaResendInterval: 0 })
      await start()
      at(T0 + 1)
      behaviour.challenge = () => {
        throw new MfaExpiredError('gone')
      }
      expect(await flow.resend(req)).to.deep.equal({ sent: false, status: 401, info: { message: 'The sign-in has expired. Sign in again.', code: 'ERR_DINTERO_MFA_EXPIRED' } })
      expect(session).not.to.have.property(KEY)
    })

    it('upstream trouble is thrown, not turned into a refusal', async () => {
      const { flow, req, behaviour, at, start } = setUp({ mfaResendInterval: 0 })
      await start()
      at(T0 + 1)
      const trouble = new Error('upstream down')
      behaviour.challenge = () => {
        throw trouble
      }
      let thrown: unknown
      await flow.resend(req).catch((err: unknown) => (thrown = err))
      expect(thrown).to.equal(trouble)
    })
  })

  describe('a sign-in whose channel is unknown', () => {
    it('its refusals carry no channel field at all', async () => {
      const { flow, req, session, behaviour, start } = setUp()
      behaviour.grant = () => {
        throw new MfaCodeRejectedError('wrong')
      }
      await start()
      delete session[KEY].channel // an entry from before channels were kept, in the copy and the store
      await new Promise((resolve) => session['save'](resolve))
      const step = (await flow.redeem(req, '000000')) as unknown as { info: Record<string, unknown> }
      expect(step.info).to.deep.equal({ message: 'Wrong code. 4 attempts left.', code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, attemptsLeft: 4 })
      expect(Object.keys(step.info)).not.to.include('channel')
    })
  })

  describe('without a server-side session', () => {
    it('pending(), a code and a resend are programmer errors (TypeError)', async () => {
      const { flow } = setUp()
      const message =
        'DinteroPasswordStrategy: option mfa needs a server-side session: use express-session or @fastify/session (with a server-side store) before passport.authenticate()'
      expect(() => flow.pending({})).to.throw(TypeError, message)
      let thrown: unknown
      await flow.resend({}).catch((err: unknown) => (thrown = err))
      expect(thrown).to.be.instanceOf(TypeError)
    })
  })
})
