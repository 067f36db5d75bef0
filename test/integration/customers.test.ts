/**
 * "Forgot your password?" and "Create an account" against the emulator over real HTTP: each outcome of
 * strategy.requestPasswordReset and strategy.createCustomer, and the reset's equal answer and time for
 * known and unknown addresses.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy, type DinteroStrategyOptions } from '../../lib/index.js'
import { type DinteroEmulator, SCOPE_LOGIN, SCOPE_READ_ACCOUNTS, type UnknownResetStatus } from '../../lib/testing/index.js'
import { KARI, startEmulator, strategyOptions, useEmulator } from '../support/emulator.js'
import { startAppWith } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { rejection } from '../support/rejection.js'
import { captureDebugLogs } from '../support/secrets.js'

const NEUTRAL = 'If there is an account for this email address, we have sent it an email with a link to choose a new password.'

describe('strategy.requestPasswordReset', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const strategy = (over: Partial<DinteroStrategyOptions> = {}) => new DinteroPasswordStrategy(strategyOptions(emu, over))

  it('asks Dintero to email a known customer a link, and answers neutrally', async () => {
    const result = await strategy().requestPasswordReset(KARI.email.toUpperCase())
    expect(result).to.deep.equal({ requested: true, message: NEUTRAL })
    expect(emu.count('change_password')).to.equal(1)
    const email = emu.lastPasswordReset(KARI.email)!
    expect(email.to).to.equal(KARI.email)
    expect(email.text).to.include(email.link)
  })

  it('answers an unknown address exactly as a known one, after the same calls to Dintero', async () => {
    const s = strategy()
    await s.requestPasswordReset(KARI.email) // the client token, fetched once
    emu.resetCounts()
    const known = await s.requestPasswordReset(KARI.email)
    const knownCalls = emu.requests.map((r) => r.endpoint)
    emu.resetCounts()
    const unknown = await s.requestPasswordReset('nobody@example.no')
    expect(unknown).to.deep.equal(known)
    expect(emu.requests.map((r) => r.endpoint)).to.deep.equal(knownCalls)
    expect(emu.lastPasswordReset('nobody@example.no')).to.equal(undefined)
  })

  for (const status of [204, 400, 401, 403, 404] as UnknownResetStatus[]) {
    it(`answers neutrally when Dintero answers ${status} for an unknown address`, async () => {
      const other = await startEmulator({ unknownResetStatus: status })
      try {
        const s = new DinteroPasswordStrategy(strategyOptions(other))
        expect(await s.requestPasswordReset('nobody@example.no')).to.deep.equal({ requested: true, message: NEUTRAL })
        expect(other.count('change_password')).to.equal(1)
      } finally {
        await other.stop()
      }
    })
  }

  it('refuses what is not an email address before calling Dintero', async () => {
    const s = strategy()
    for (const input of ['not-an-address', KARI.phone, '', 'a@b', `${'x'.repeat(320)}@example.no`, 42, undefined, { email: KARI.email }]) {
      expect(await s.requestPasswordReset(input as string)).to.deep.equal({
        requested: false,
        reason: 'invalid',
        message: 'Enter a valid email address',
      })
    }
    expect(emu.count()).to.equal(0)
  })

  it('answers neutrally when Dintero answers 403 (the client lacks the scope, or the customer is refused): no email', async () => {
    // A 403 cannot be told from a per-customer refusal, so rejecting on it could tell addresses apart.
    const other = await startEmulator({ clientScopes: [SCOPE_READ_ACCOUNTS] })
    try {
      expect(await new DinteroPasswordStrategy(strategyOptions(other)).requestPasswordReset(KARI.email)).to.deep.equal({ requested: true, message: NEUTRAL })
      expect(other.count('change_password')).to.equal(1)
      expect(other.passwordResetEmails).to.deep.equal([])
    } finally {
      await other.stop()
    }
  })

  it('rejects with ClientAuthenticationError when Dintero refuses the client credentials (401)', async () => {
    const err = await rejection(strategy({ clientSecret: 'wrong-secret' }).requestPasswordReset(KARI.email))
    expect(err).to.include({ code: 'ERR_DINTERO_CLIENT_AUTH', upstreamStatus: 401 })
    expect(emu.count('change_password')).to.equal(0)
  })

  it('rejects on 5xx, 429 and timeouts, for known and unknown addresses alike', async () => {
    for (const address of [KARI.email, 'nobody@example.no']) {
      emu.fault('change_password', { status: 500, times: 1 })
      expect(await rejection(strategy().requestPasswordReset(address))).to.include({ code: 'ERR_DINTERO_UPSTREAM', status: 502 })
      emu.fault('change_password', { status: 503, times: 1 })
      expect(await rejection(strategy().requestPasswordReset(address))).to.include({ code: 'ERR_DINTERO_UNAVAILABLE' })
      emu.fault('change_password', { retryAfter: 7, times: 1 })
      expect(await rejection(strategy().requestPasswordReset(address))).to.include({ code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 7 })
      emu.fault('change_password', { hang: true, times: 1 })
      expect(await rejection(strategy({ timeout: 200 }).requestPasswordReset(address))).to.include({ code: 'ERR_DINTERO_TIMEOUT', status: 504 })
    }
  })

  for (const status of [404, 401] as UnknownResetStatus[]) {
    it(`takes the same time for known and unknown addresses when Dintero answers ${status} for unknown ones (medians of paired attempts, emulator latency 30 ms)`, async function () {
      this.timeout(60_000)
      const slow = await startEmulator({ latencyMs: 30, unknownResetStatus: status })
      try {
        const s = new DinteroPasswordStrategy(strategyOptions(slow))
        await s.requestPasswordReset(KARI.email)
        const known: number[] = []
        const unknown: number[] = []
        const time = async (address: string) => {
          const started = performance.now()
          await s.requestPasswordReset(address)
          return performance.now() - started
        }
        for (let i = 0; i < 30; i++) {
          // Alternating the order, so drift over the run falls on both sides alike.
          if (i % 2 === 0) {
            known.push(await time(KARI.email))
            unknown.push(await time(`nobody-${i}@example.no`))
          } else {
            unknown.push(await time(`nobody-${i}@example.no`))
            known.push(await time(KARI.email))
          }
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
        // An extra call would add one emulator latency (30 ms): the medians must differ by half of it at most.
        expect(Math.abs(median(known) - median(unknown))).to.be.below(15)
        expect(median(known)).to.be.at.least(30)
        expect(slow.count('change_password')).to.equal(61)
      } finally {
        await slow.stop()
      }
    })
  }

  it('heals a client token Dintero stopped accepting: the reset answers neutrally, the next one is sent', async () => {
    const s = strategy()
    await s.requestPasswordReset(KARI.email)
    emu.rotateKeys({ retainPrevious: false }) // outstanding client tokens no longer verify
    const sentBefore = emu.passwordResetEmails.length
    expect(await s.requestPasswordReset(KARI.email)).to.deep.equal({ requested: true, message: NEUTRAL })
    expect(emu.passwordResetEmails.length).to.equal(sentBefore)
    // The probe runs after the answer, then the renewal: wait until the new token is asked for (a
    // condition, not a time); the next call shares that fetch.
    const tokensBefore = emu.count('client_token')
    for (let i = 0; i < 200 && emu.count('client_token') === tokensBefore; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await s.requestPasswordReset(KARI.email)).to.deep.equal({ requested: true, message: NEUTRAL })
    expect(emu.passwordResetEmails.length).to.equal(sentBefore + 1)
  })
})

describe('strategy.createCustomer', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const strategy = (over: Partial<DinteroStrategyOptions> = {}) => new DinteroPasswordStrategy(strategyOptions(emu, over))

  it('creates a customer by email, who can then sign in with that password', async () => {
    const result = await strategy().createCustomer({ username: ' New.Person@example.no ', password: 'a-new-password', firstName: ' Nina ', lastName: 'Hansen' })
    expect(result.created).to.equal(true)
    if (!result.created) return
    expect(result.customerId).to.be.a('string').with.length.above(0)
    expect(result.customer).to.include({ email: 'New.Person@example.no', first_name: 'Nina', last_name: 'Hansen', customer_id: result.customerId })
    expect(result.customer).not.to.have.property('password')
    expect(emu.count('create_customer')).to.equal(1)

    // Signed in through Passport and the strategy, as after any sign-up: a verified token for the new customer.
    const app = await startAppWith(strategy())
    try {
      const res = await new Browser(app.url).post('/login', { email: 'new.person@example.no', password: 'a-new-password' })
      expect(res.status).to.equal(200)
      const signedIn = app.outcomes.find((o) => o.kind === 'success')!
      expect(signedIn.user.claims).to.include({ sub: result.customerId, name: 'Nina Hansen', email: 'New.Person@example.no' })
    } finally {
      await app.close()
    }
  })

  it('creates a customer by phone number, typed with spaces', async () => {
    const result = await strategy().createCustomer({ username: '+47 912 00 001', password: 'phone-password' })
    expect(result).to.include({ created: true })
    expect(result.created && result.customer['phone_number']).to.equal('+4791200001')
  })

  it('reports a duplicate email (any case) and a duplicate phone number as duplicate', async () => {
    for (const username of [KARI.email.toUpperCase(), KARI.phone]) {
      expect(await strategy().createCustomer({ username, password: 'whatever-password' })).to.deep.equal({
        created: false,
        reason: 'duplicate',
        message: 'There is already an account for this email address or phone number',
      })
    }
    expect(emu.count('create_customer')).to.equal(2)
  })

  it('refuses bad input before calling Dintero, with the sign-in form\'s messages', async () => {
    const cases: Array<[Parameters<DinteroPasswordStrategy['createCustomer']>[0], string[]]> = [
      [{ username: 'not an address', password: 'long-enough' }, ['username']],
      [{ username: '+0123', password: 'long-enough' }, ['username']],
      [{ username: 'a@example.no', password: 'abc' }, ['password']],
      [{ username: 'a@example.no', password: 'x'.repeat(256) }, ['password']],
      [{ username: '', password: '' }, ['username', 'password']],
      [{ username: 'a@example.no', password: 'long-enough', firstName: 'x'.repeat(101) }, ['firstName']],
      [{ username: 'a@example.no', password: 'long-enough', lastName: 'two\nlines' }, ['lastName']],
      // Unicode's own line and paragraph separators are line breaks too (not control characters).
      [{ username: 'a@example.no', password: 'long-enough', firstName: 'two\u2028lines' }, ['firstName']],
      [{ username: 'a@example.no', password: 'long-enough', lastName: 'two\u2029paragraphs' }, ['lastName']],
      [{ username: 42, password: 'long-enough' } as never, ['username', 'password']],
    ]
    for (const [input, fields] of cases) {
      const result = await strategy().createCustomer(input)
      expect(result, JSON.stringify(input).slice(0, 60)).to.include({ created: false, reason: 'invalid' })
      expect(!result.created && result.reason === 'invalid' && result.fields).to.deep.equal(fields)
    }
    expect(emu.count()).to.equal(0)
  })

  it('reads the other shapes a refusal may take: 409, a bare 400, a 400 naming fields', async () => {
    emu.fault('create_customer', { status: 409, times: 1 })
    expect(await strategy().createCustomer({ username: 'x1@example.no', password: 'long-enough' })).to.include({ reason: 'duplicate' })
    emu.fault('create_customer', { status: 400, body: { error: { code: 'bad_request', message: 'Customer already exists' } }, times: 1 })
    expect(await strategy().createCustomer({ username: 'x2@example.no', password: 'long-enough' })).to.include({ reason: 'duplicate' })
    emu.fault('create_customer', { status: 400, times: 1 })
    expect(await strategy().createCustomer({ username: 'x3@example.no', password: 'long-enough' })).to.deep.equal({
      created: false,
      reason: 'invalid',
      message: 'Dintero did not accept these details',
      fields: [],
    })
    emu.fault('create_customer', {
      status: 400,
      body: { error: { code: 'bad_request', message: 'Invalid request body', errors: [{ field: 'first_name', message: 'bad' }, { field: '<b>', message: 'x' }] } },
      times: 1,
    })
    expect(await strategy().createCustomer({ username: 'x4@example.no', password: 'long-enough' })).to.include({ reason: 'invalid' })
      .and.to.have.deep.property('fields', ['first_name'])
  })

  it('accepts the customer wrapped as {customer: …}, and refuses a 200 without customer_id', async () => {
    emu.fault('create_customer', { status: 200, body: { customer: { customer_id: 'c-wrapped', email: 'w@example.no', password: 'echoed' } }, times: 1 })
    const wrapped = await strategy().createCustomer({ username: 'w@example.no', password: 'long-enough' })
    expect(wrapped).to.deep.equal({ created: true, customerId: 'c-wrapped', customer: { customer_id: 'c-wrapped', email: 'w@example.no' } })
    emu.fault('create_customer', { status: 200, body: { email: 'w@example.no' }, times: 1 })
    expect(await rejection(strategy().createCustomer({ username: 'w@example.no', password: 'long-enough' }))).to.include({ code: 'ERR_DINTERO_UPSTREAM' })
  })

  it('creates one customer when the same address signs up many times at once; the rest are duplicates', async () => {
    const s = strategy()
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => s.createCustomer({ username: i % 2 ? 'race@example.no' : 'RACE@example.no', password: `race-password-${i}` })),
    )
    expect(results.filter((r) => r.created)).to.have.length(1)
    expect(results.filter((r) => !r.created && r.reason === 'duplicate')).to.have.length(7)
    // One client token for all of them: the cache's single fetch in flight.
    expect(emu.count('client_token')).to.equal(1)
    expect(emu.count('create_customer')).to.equal(8)
  })

  it('rejects with ClientAuthenticationError when the client lacks the scopes (403)', async () => {
    // Login scope without a create scope, then a create scope without the password scope.
    for (const clientScopes of [[SCOPE_LOGIN, SCOPE_READ_ACCOUNTS], ['create:customers:/users', SCOPE_READ_ACCOUNTS]]) {
      const other = await startEmulator({ clientScopes })
      try {
        const err = await rejection(new DinteroPasswordStrategy(strategyOptions(other)).createCustomer({ username: 'n@example.no', password: 'long-enough' }))
        expect(err).to.include({ code: 'ERR_DINTERO_CLIENT_AUTH', upstreamStatus: 403 })
      } finally {
        await other.stop()
      }
    }
  })

  it('rejects with ClientAuthenticationError when Dintero refuses the client (401)', async () => {
    expect(await rejection(strategy({ clientSecret: 'wrong' }).createCustomer({ username: 'n@example.no', password: 'long-enough' }))).to.include({
      code: 'ERR_DINTERO_CLIENT_AUTH',
    })
    emu.fault('create_customer', { status: 401 })
    emu.fault('keys', { status: 401 })
    expect(await rejection(strategy().createCustomer({ username: 'n@example.no', password: 'long-enough' }))).to.include({ code: 'ERR_DINTERO_CLIENT_AUTH' })
  })

  it('rejects on 5xx and timeouts', async () => {
    const input = { username: 'n@example.no', password: 'long-enough' }
    emu.fault('create_customer', { status: 500, times: 1 })
    expect(await rejection(strategy().createCustomer(input))).to.include({ code: 'ERR_DINTERO_UPSTREAM' })
    emu.fault('create_customer', { status: 502, times: 1 })
    expect(await rejection(strategy().createCustomer(input))).to.include({ code: 'ERR_DINTERO_UNAVAILABLE' })
    emu.fault('create_customer', { nonJson: true, times: 1 })
    expect(await rejection(strategy().createCustomer(input))).to.include({ code: 'ERR_DINTERO_UPSTREAM' })
    emu.fault('create_customer', { hang: true, times: 1 })
    expect(await rejection(strategy({ timeout: 200 }).createCustomer(input))).to.include({ code: 'ERR_DINTERO_TIMEOUT' })
  })
})

describe('strategy.createCustomer: the fields sent, and input that is not a customer', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const strategy = (over: Partial<DinteroStrategyOptions> = {}) => new DinteroPasswordStrategy(strategyOptions(emu, over))

  it('refuses input that is not an object with the missing-credentials message, before calling Dintero', async () => {
    for (const input of [null, undefined, 'kari@example.no', 42]) {
      expect(await strategy().createCustomer(input as never), String(input)).to.deep.equal({
        created: false,
        reason: 'invalid',
        message: 'Missing credentials',
        fields: ['username', 'password'],
      })
    }
    expect(emu.count()).to.equal(0)
  })

  it('names the field of a name that is not a string, with the names message, before calling Dintero', async () => {
    for (const [field, value] of [['firstName', 42], ['lastName', { a: 1 }], ['firstName', ['Nina']]] as const) {
      expect(await strategy().createCustomer({ username: 'n@example.no', password: 'long-enough', [field]: value })).to.deep.equal({
        created: false,
        reason: 'invalid',
        message: 'Names must be at most 100 characters, without line breaks',
        fields: [field],
      })
    }
    expect(emu.count()).to.equal(0)
  })

  it('sends a name of exactly 100 characters; leaves out a name that is null, empty or only spaces', async () => {
    const long = await strategy().createCustomer({ username: 'long-name@example.no', password: 'long-enough', firstName: 'N'.repeat(100), lastName: null as never })
    expect(long.created && long.customer).to.include({ first_name: 'N'.repeat(100) })
    expect(long.created && long.customer).not.to.have.property('last_name')
    const blank = await strategy().createCustomer({ username: 'blank-name@example.no', password: 'long-enough', firstName: '   ', lastName: '' })
    expect(blank.created).to.equal(true)
    expect(blank.created && blank.customer).not.to.have.any.keys('first_name', 'last_name')
  })

  it('sends company as given (userType company), and refuses a company that is not an object', async () => {
    const company = { name: 'Nordmann AS', organization_number: '123456789' }
    const created = await strategy({ userType: 'company' }).createCustomer({ username: 'boss@example.no', password: 'long-enough', company })
    expect(created.created && created.customer).to.deep.include({ type: 'company', company })
    for (const bad of ['Nordmann AS', null, ['Nordmann AS'], 7]) {
      expect(await strategy({ userType: 'company' }).createCustomer({ username: 'boss2@example.no', password: 'long-enough', company: bad as never })).to.deep.equal({
        created: false,
        reason: 'invalid',
        message: 'company must be an object',
        fields: ['company'],
      })
    }
    expect(emu.count('create_customer')).to.equal(1)
  })
})

describe('customers: the debug log', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const strategy = () => new DinteroPasswordStrategy(strategyOptions(emu))

  /** The customers namespace's lines of `run`, and how long `run` took (ms). */
  const logged = async (run: () => Promise<unknown>) => {
    const capture = captureDebugLogs()
    const started = performance.now()
    try {
      await run()
    } finally {
      capture.stop()
    }
    const took = performance.now() - started
    return { took, lines: capture.lines.filter((line) => line.includes('passport-dintero:customers')).map((line) => line.replace(/^.*passport-dintero:customers /, '')) }
  }
  /** The milliseconds a line reports: never more than the call itself took. */
  const ms = (line: string, took: number) => {
    const n = Number(/ (\d+)ms/.exec(line)?.[1])
    expect(n, line).to.be.at.least(0).and.at.most(Math.ceil(took))
  }

  it('a reset: refused before calling Dintero, or passed on with its time (and no address)', async () => {
    const s = strategy()
    const refused = await logged(() => s.requestPasswordReset('not-an-address'))
    expect(refused.lines).to.deep.equal(['password reset refused before calling Dintero (not an email address)'])
    const passed = await logged(() => s.requestPasswordReset(KARI.email))
    expect(passed.lines).to.have.length(1)
    expect(passed.lines[0]).to.match(/^password reset passed on to Dintero in \d+ms$/)
    ms(passed.lines[0]!, passed.took)
  })

  it('a new customer: the fields refused before calling Dintero, or how Dintero answered, with its time', async () => {
    const s = strategy()
    expect((await logged(() => s.createCustomer({ username: '', password: '' }))).lines).to.deep.equal([
      'create customer refused before calling Dintero (username, password)',
    ])
    expect((await logged(() => s.createCustomer({ username: 'x@example.no', password: 'long-enough', firstName: 'a\nb' }))).lines).to.deep.equal([
      'create customer refused before calling Dintero (firstName)',
    ])
    const created = await logged(() => s.createCustomer({ username: 'logged@example.no', password: 'long-enough' }))
    expect(created.lines).to.have.length(1)
    expect(created.lines[0]).to.match(/^create customer ends in created after \d+ms$/)
    ms(created.lines[0]!, created.took)
    expect((await logged(() => s.createCustomer({ username: 'logged@example.no', password: 'long-enough' }))).lines[0]).to.match(
      /^create customer ends in duplicate after \d+ms$/,
    )
  })
})
