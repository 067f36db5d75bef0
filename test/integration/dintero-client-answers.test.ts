/**
 * DinteroClient over real HTTP to the emulator: every upstream answer mapped to its error class, code
 * and message (word for word); the fields and headers each call carries (seen by a recording proxy on
 * loopback); which refusals are probed with the key-set call, and what is never sent twice.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { expect } from 'chai'
import { DinteroClient } from '../../lib/dintero-client.js'
import { resolveOptions } from '../../lib/options.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, OLA, strategyOptions, useEmulator } from '../support/emulator.js'
import { rejection } from '../support/rejection.js'
import { captureDebugLogs } from '../support/secrets.js'

const INVALID_CREDENTIALS_MESSAGE = 'Wrong email, phone number or password'

const kari = { ident: { type: 'email' as const, value: KARI.email }, password: KARI.password }
const ola = { ident: { type: 'email' as const, value: OLA.email }, password: OLA.password }

/** What a caller sees of an error: class, code, message and Dintero's status and code. */
const seen = (err: any) => ({ name: err?.constructor?.name, code: err?.code, message: err?.message, upstreamStatus: err?.upstreamStatus, upstreamCode: err?.upstreamCode })

interface Recorded {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: unknown
}

/** A proxy on loopback in front of the emulator that records each request's method, path, headers and JSON body. */
async function startRecorder(target: string): Promise<{ url: string; requests: Recorded[]; open: Set<unknown>; close(): Promise<void> }> {
  const requests: Recorded[] = []
  const open = new Set<unknown>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: raw.length ? JSON.parse(raw.toString()) : undefined })
      const up = http.request(target + (req.url ?? ''), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers)
        upRes.pipe(res)
      })
      up.end(raw)
    })
  })
  server.on('connection', (socket) => {
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    open,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

describe('DinteroClient: what each call sends', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))

  it('the client token as Basic with grant and audience; each customer call with the Bearer token and exactly its fields', async () => {
    const rec = await startRecorder(emu.baseUrl)
    const client = new DinteroClient(resolveOptions(strategyOptions(emu, { baseUrl: rec.url, audience: emu.audience })))
    try {
      const tokens = await client.login(kari)
      await client.login({ ident: { type: 'phone_number', value: KARI.phone }, password: KARI.password })
      const opened = await client.mfaLogin(ola)
      const oob = await client.mfaChallenge(opened.mfaToken)
      await client.mfaChallenge(opened.mfaToken, 'email')
      await client.mfaGrant(opened.mfaToken, 'an-oob-code', '123456').catch(() => undefined)
      const refreshed = await client.refresh(tokens.refreshToken!)
      const kept = refreshed.refreshToken ?? tokens.refreshToken
      await client.revoke(kept!)
      await client.requestPasswordReset(KARI.email)
      await client.createCustomer({ email: 'sent@example.no', password: 'long-enough', type: 'customer' })
      await client.keys()
      const audience = emu.audience
      const prefix = `/v1/accounts/${emu.accountId}`
      const bearer = rec.requests[1]!.headers.authorization
      expect(bearer).to.match(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
      expect(rec.requests.map((r) => [r.method, r.path, r.body])).to.deep.equal([
        ['POST', `${prefix}/auth/token`, { grant_type: 'client_credentials', audience }],
        ['POST', `${prefix}/customers/login`, { audience, type: 'customer', password: KARI.password, email: KARI.email }],
        ['POST', `${prefix}/customers/login`, { audience, type: 'customer', password: KARI.password, ident_type: 'phone_number', ident: KARI.phone }],
        ['POST', `${prefix}/customers/mfa_login`, { ident_type: 'email', ident: OLA.email, audience, type: 'customer', secret: OLA.password }],
        ['POST', `${prefix}/auth/mfa/challenge`, { challenge_type: 'oob', mfa_token: opened.mfaToken }],
        ['POST', `${prefix}/auth/mfa/challenge`, { challenge_type: 'oob', mfa_token: opened.mfaToken, oob_channel: 'email' }],
        ['POST', `${prefix}/auth/token`, { grant_type: 'mfa-oob', oob_code: 'an-oob-code', binding_code: '123456', mfa_token: opened.mfaToken }],
        ['POST', `${prefix}/auth/token`, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }],
        ['POST', `${prefix}/auth/revoke`, { token: kept }],
        ['POST', `${prefix}/customers/change_password`, { email: KARI.email, audience, type: 'customer' }],
        ['POST', `${prefix}/customers/users`, { email: 'sent@example.no', password: 'long-enough', type: 'customer' }],
        ['GET', `${prefix}/auth/keys`, undefined],
      ])
      expect(oob).to.be.a('string')
      for (const r of rec.requests.slice(1)) expect(r.headers.authorization, r.path).to.equal(bearer)
      for (const r of rec.requests) {
        expect(r.headers, r.path).to.include({ 'dintero-system-plugin-name': 'passport-dintero' })
        // Not configured: not sent at all (not as "undefined").
        expect(r.headers, r.path).not.to.have.any.keys('dintero-system-name', 'dintero-system-version')
      }
    } finally {
      client.close()
      await rec.close()
    }
  })

  it('close() closes the keep-alive connections it left open', async () => {
    const rec = await startRecorder(emu.baseUrl)
    const client = new DinteroClient(resolveOptions(strategyOptions(emu, { baseUrl: rec.url, audience: emu.audience })))
    try {
      await client.login(kari)
      expect(rec.open.size).to.be.above(0)
      client.close()
      // A condition, not a time: the sockets close as soon as the client lets go of them.
      for (let i = 0; i < 100 && rec.open.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
      expect(rec.open.size).to.equal(0)
    } finally {
      await rec.close()
    }
  })

  it("sends the strategy's userType with the customer's credentials", async () => {
    const rec = await startRecorder(emu.baseUrl)
    const client = new DinteroClient(resolveOptions(strategyOptions(emu, { baseUrl: rec.url, audience: emu.audience, userType: 'company' })))
    try {
      await client.login(kari).catch(() => undefined)
      await client.requestPasswordReset(KARI.email)
      expect(rec.requests.filter((r) => r.path.includes('/customers/')).map((r) => (r.body as { type: string }).type)).to.deep.equal(['company', 'company'])
    } finally {
      client.close()
      await rec.close()
    }
  })
})

describe('DinteroClient: every answer mapped', () => {
  let emu: DinteroEmulator
  let client: DinteroClient
  useEmulator((e) => (emu = e))
  beforeEach(() => {
    client = new DinteroClient(resolveOptions(strategyOptions(emu)))
  })
  afterEach(() => client.close())
  /** A call to Dintero: the emulator endpoint to fault, the name its messages give it, and the call. */
  type Call = [Parameters<DinteroEmulator['fault']>[0], string, () => Promise<unknown>]
  /** Every call a signed-in customer's tokens allow, each with its endpoint and name. */
  const everyCall = (tokens: { refreshToken?: string | undefined }): Call[] => [
    ['login', 'login', () => client.login(kari)],
    ['mfa_login', 'mfa login', () => client.mfaLogin(ola)],
    ['mfa_challenge', 'mfa challenge', () => client.mfaChallenge('t')],
    ['mfa_token', 'mfa code', () => client.mfaGrant('t', 'o', '123456')],
    ['refresh', 'refresh', () => client.refresh(tokens.refreshToken!)],
    ['revoke', 'revoke', () => client.revoke(tokens.refreshToken!)],
    ['change_password', 'password reset', () => client.requestPasswordReset(KARI.email)],
    ['create_customer', 'create customer', () => client.createCustomer({ email: 'u@example.no', type: 'customer' })],
    ['keys', 'signing keys', () => client.keys()],
  ]
  const upstream = (message: string, upstreamStatus: number, upstreamCode?: string) => ({ name: 'UpstreamError', code: 'ERR_DINTERO_UPSTREAM', message, upstreamStatus, upstreamCode })

  it('an unexpected status names the call that got it', async () => {
    const tokens = await client.login(kari)
    const calls = everyCall(tokens)
    for (const [endpoint, what, call] of calls) {
      emu.fault(endpoint, { status: 500, times: 1 })
      expect(seen(await rejection(call())), endpoint).to.deep.equal(upstream(`Dintero ${what} call answered 500 unexpectedly`, 500, 'internal_server_error'))
    }
    for (const [endpoint, what, call] of calls.slice(1, 4)) {
      emu.fault(endpoint, { status: 404, times: 1 })
      expect(seen(await rejection(call())).message, endpoint).to.equal(
        endpoint === 'mfa_login' ? INVALID_CREDENTIALS_MESSAGE : `Dintero ${what} call answered 404 unexpectedly`,
      )
    }
    emu.fault('refresh', { status: 404, times: 1 })
    expect(seen(await rejection(client.refresh(tokens.refreshToken!))).message).to.equal('Dintero refresh call answered 404 unexpectedly')
  })

  it('a redirect names the call that got it, word for word', async () => {
    const tokens = await client.login(kari)
    const calls = [
      ...everyCall(tokens),
      ['client_token', 'client token', () => new DinteroClient(resolveOptions(strategyOptions(emu))).keys()] as Call,
    ]
    for (const [endpoint, what, call] of calls) {
      emu.fault(endpoint, { status: 302, redirectTo: 'http://127.0.0.1:9/elsewhere', times: 1 })
      expect(seen(await rejection(call())), endpoint).to.include({
        name: 'UpstreamError',
        message: `Dintero ${what} call answered with a redirect (302), which is never followed`,
      })
    }
  })

  it('the key-set call and the probe are GETs (logged as such)', async () => {
    await client.keys()
    const capture = captureDebugLogs()
    try {
      await client.keys()
      emu.fault('login', { status: 401, times: 1 })
      await rejection(client.login(kari))
    } finally {
      capture.stop()
    }
    const keys = capture.lines.filter((line) => line.includes('/auth/keys'))
    expect(keys).to.have.length(2)
    for (const line of keys) expect(line).to.match(new RegExp(`passport-dintero:http GET /v1/accounts/${emu.accountId}/auth/keys -> 200 in \\d+ms`))
  })

  it('the client token: refused credentials (400/401/403) name the options to check; other answers are upstream errors', async () => {
    for (const status of [400, 401, 403]) {
      emu.fault('client_token', { status, times: 1 })
      const c = new DinteroClient(resolveOptions(strategyOptions(emu)))
      expect(seen(await rejection(c.login(kari)))).to.deep.equal({
        name: 'ClientAuthenticationError',
        code: 'ERR_DINTERO_CLIENT_AUTH',
        message: `Dintero refused this application's client credentials (${status}); check clientId, clientSecret, accountId and audience`,
        upstreamStatus: status,
        upstreamCode: { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden' }[status],
      })
      c.close()
    }
    emu.fault('client_token', { status: 404, times: 1 })
    expect(seen(await rejection(client.login(kari))).message).to.equal('Dintero client token call answered 404 unexpectedly')
    emu.fault('client_token', { omitAccessToken: true, times: 1 })
    expect(seen(await rejection(client.login(kari)))).to.deep.equal(upstream('Dintero client token call answered 200 without an access_token', 200))
    expect(emu.count('login')).to.equal(0)
  })

  it('tokens: a 200 that is not a JSON object, or has no access_token, is an upstream error; token_type defaults to Bearer', async () => {
    emu.fault('login', { nonJson: true, times: 1 })
    expect(seen(await rejection(client.login(kari))).message).to.equal('Dintero login call answered with a body that is not JSON')
    for (const body of ['null', '"a-string"', '42', 'true']) {
      emu.fault('login', { status: 200, body, times: 1 })
      expect(seen(await rejection(client.login(kari))).message, body).to.equal('Dintero login call answered with a body that is not JSON')
    }
    emu.fault('mfa_token', { nonJson: true, times: 1 })
    expect(seen(await rejection(client.mfaGrant('t', 'o', '123456'))).message).to.equal('Dintero mfa code call answered with a body that is not JSON')
    for (const body of [{ access_token: '' }, { access_token: 42 }, {}]) {
      emu.fault('refresh', { status: 200, body, times: 1 })
      expect(seen(await rejection(client.refresh('r')))).to.deep.equal(upstream('Dintero refresh call answered 200 without an access_token', 200))
    }
    emu.fault('login', { status: 200, body: { access_token: 'a.b.c', token_type: 7, expires_in: 60, refresh_token: 'rt' }, times: 1 })
    expect(await client.login(kari)).to.deep.equal({ accessToken: 'a.b.c', tokenType: 'Bearer', expiresIn: 60, refreshToken: 'rt' })
    emu.fault('login', { status: 200, body: { access_token: 'a.b.c', token_type: 'DPoP' }, times: 1 })
    expect(await client.login(kari)).to.include({ tokenType: 'DPoP', expiresIn: undefined, refreshToken: undefined })
  })

  it('login: every refusal the same InvalidCredentialsError; MFA required with or without an mfa_token', async () => {
    for (const status of [400, 401, 403, 404]) {
      emu.fault('login', { status, times: 1 })
      expect(seen(await rejection(client.login(kari))), String(status)).to.include({ name: 'InvalidCredentialsError', message: INVALID_CREDENTIALS_MESSAGE, upstreamStatus: status })
    }
    emu.fault('login', { status: 200, body: { mfa_token: 'opened-token' }, times: 1 })
    const at200 = await rejection(client.login(kari))
    expect(seen(at200)).to.include({ name: 'MfaRequiredError', code: 'ERR_DINTERO_MFA_REQUIRED', message: 'This account requires a one-time code to sign in', upstreamStatus: 200 })
    expect(at200.mfaToken).to.equal('opened-token')
    emu.fault('login', { status: 403, body: { error: { code: 'mfa_required', message: 'MFA required' } }, times: 1 })
    const at403 = await rejection(client.login(kari))
    expect(seen(at403)).to.include({ name: 'MfaRequiredError', message: 'This account requires a one-time code to sign in', upstreamStatus: 403, upstreamCode: 'mfa_required' })
    expect(at403.mfaToken).to.equal(undefined)
  })

  it('mfa_login: refusals are invalid credentials; a 200 without an mfa_token is an upstream error; oob_channel read when a string', async () => {
    for (const status of [400, 401, 403, 404]) {
      emu.fault('mfa_login', { status, times: 1 })
      expect(seen(await rejection(client.mfaLogin(ola)))).to.include({ name: 'InvalidCredentialsError', message: INVALID_CREDENTIALS_MESSAGE, upstreamStatus: status })
    }
    for (const body of [{}, { mfa_token: '' }, { mfa_token: 5 }]) {
      emu.fault('mfa_login', { status: 200, body, times: 1 })
      expect(seen(await rejection(client.mfaLogin(ola)))).to.deep.equal(upstream('Dintero mfa login call answered 200 without an mfa_token', 200))
    }
    emu.fault('mfa_login', { nonJson: true, times: 1 })
    expect(seen(await rejection(client.mfaLogin(ola))).message).to.equal('Dintero mfa login call answered 200 without an mfa_token')
    emu.fault('mfa_login', { status: 200, body: { mfa_token: 'm1', oob_channel: 7 }, times: 1 })
    expect(await client.mfaLogin(ola)).to.deep.equal({ mfaToken: 'm1', channel: undefined })
    emu.fault('mfa_login', { status: 200, body: { mfa_token: 'm2', oob_channel: 'sms' }, times: 1 })
    expect(await client.mfaLogin(ola)).to.deep.equal({ mfaToken: 'm2', channel: 'sms' })
    emu.fault('mfa_login', { status: 201, body: { mfa_token: 'm3' }, times: 1 })
    expect(seen(await rejection(client.mfaLogin(ola))).message).to.equal('Dintero mfa login call answered 201 unexpectedly')
  })

  it('mfa challenge: 401/403 mean the sign-in expired; a 200 without an oob_code is an upstream error', async () => {
    for (const status of [401, 403]) {
      emu.fault('mfa_challenge', { status, times: 1 })
      expect(seen(await rejection(client.mfaChallenge('t')))).to.include({
        name: 'MfaExpiredError',
        code: 'ERR_DINTERO_MFA_EXPIRED',
        message: 'The sign-in with a one-time code has expired; sign in again',
        upstreamStatus: status,
      })
    }
    emu.fault('mfa_challenge', { status: 400, times: 1 })
    expect(seen(await rejection(client.mfaChallenge('t'))).message).to.equal('Dintero mfa challenge call answered 400 unexpectedly')
    for (const body of [{}, { oob_code: '' }, { oob_code: 1 }, '<html>']) {
      emu.fault('mfa_challenge', { status: 200, body, times: 1 })
      expect(seen(await rejection(client.mfaChallenge('t')))).to.deep.equal(upstream('Dintero mfa challenge call answered 200 without an oob_code', 200))
    }
  })

  it('the code grant: a refused code, an expired sign-in, and a grant type Dintero does not take', async () => {
    for (const status of [400, 401, 403]) {
      emu.fault('mfa_token', { status, times: 1 })
      expect(seen(await rejection(client.mfaGrant('t', 'o', '123456')))).to.include({
        name: 'MfaCodeRejectedError',
        code: 'ERR_DINTERO_MFA_CODE_INVALID',
        message: 'Dintero refused the one-time code',
        upstreamStatus: status,
      })
    }
    for (const [status, code] of [[400, 'expired_token'], [500, 'mfa_required'], [401, 'mfa_required']] as const) {
      emu.fault('mfa_token', { status, body: { error: { code, message: 'x' } }, times: 1 })
      expect(seen(await rejection(client.mfaGrant('t', 'o', '123456'))), code).to.include({ name: 'MfaExpiredError', upstreamStatus: status, upstreamCode: code })
    }
    emu.fault('mfa_token', { status: 400, body: { error: { code: 'unsupported_grant_type', message: 'x' } }, times: 2 })
    expect(seen(await rejection(client.mfaGrant('t', 'o', '123456')))).to.deep.equal(
      upstream("Dintero accepts neither 'mfa-oob' nor 'mfa_oob' as the MFA grant type", 400, 'unsupported_grant_type'),
    )
    expect(emu.count('mfa_token')).to.equal(3 + 3 + 2)
    const explicit = new DinteroClient(resolveOptions(strategyOptions(emu, { mfaGrantType: 'mfa_oob' })))
    emu.fault('mfa_token', { status: 400, body: { error: { code: 'unsupported_grant_type', message: 'x' } }, times: 1 })
    expect(seen(await rejection(explicit.mfaGrant('t', 'o', '123456')))).to.deep.equal(
      upstream("Dintero does not accept this MFA grant type; check option mfaGrantType ('mfa-oob' or 'mfa_oob')", 400, 'unsupported_grant_type'),
    )
    explicit.close()
    expect(emu.count('mfa_token')).to.equal(3 + 3 + 2 + 1)
  })

  it('refresh: 400/401/403 and mfa_required at any status are a refused refresh token', async () => {
    for (const [status, body] of [[400, undefined], [401, undefined], [403, undefined], [500, { error: { code: 'mfa_required' } }]] as const) {
      emu.fault('refresh', { status, ...(body ? { body } : {}), times: 1 })
      expect(seen(await rejection(client.refresh('r'))), String(status)).to.include({
        name: 'RefreshRejectedError',
        code: 'ERR_DINTERO_REFRESH_REJECTED',
        message: 'Dintero refused the refresh token',
        upstreamStatus: status,
      })
    }
  })

  it('revoke: any 2xx is done; anything else an upstream error', async () => {
    emu.fault('revoke', { status: 204, body: '', times: 1 })
    expect(await client.revoke('r')).to.equal(undefined)
    emu.fault('revoke', { status: 299, body: {}, times: 1 })
    expect(await client.revoke('r')).to.equal(undefined)
    emu.fault('revoke', { status: 400, times: 1 })
    expect(seen(await rejection(client.revoke('r'))).message).to.equal('Dintero revoke call answered 400 unexpectedly')
  })

  it('password reset: 2xx sent; 400/401/403/404 refused; 409 an upstream error', async () => {
    for (const [status, answer] of [[200, 'sent'], [204, 'sent'], [299, 'sent'], [400, 'refused'], [401, 'refused'], [403, 'refused'], [404, 'refused']] as const) {
      emu.fault('change_password', { status, body: {}, times: 1 })
      expect(await client.requestPasswordReset(KARI.email), String(status)).to.equal(answer)
    }
    emu.fault('change_password', { status: 409, times: 1 })
    expect(seen(await rejection(client.requestPasswordReset(KARI.email))).message).to.equal('Dintero password reset call answered 409 unexpectedly')
  })

  it('create customer: created at 200/201, never handing on password, pin or secret; id read as customer_id', async () => {
    emu.fault('create_customer', { status: 201, body: { customer_id: 'c1', email: 'a@example.no', password: 'p', pin: '1234', secret: 's', phone_number: '+4790000000' }, times: 1 })
    expect(await client.createCustomer({})).to.deep.equal({ kind: 'created', customerId: 'c1', customer: { customer_id: 'c1', email: 'a@example.no', phone_number: '+4790000000' } })
    emu.fault('create_customer', { status: 200, body: { id: 'c2' }, times: 1 })
    expect(await client.createCustomer({})).to.deep.equal({ kind: 'created', customerId: 'c2', customer: { id: 'c2' } })
    emu.fault('create_customer', { status: 200, body: { customer: ['x'], customer_id: 'c3' }, times: 1 })
    expect(await client.createCustomer({})).to.include({ kind: 'created', customerId: 'c3' })
    emu.fault('create_customer', { status: 200, body: { customer: null, customer_id: 'c4' }, times: 1 })
    expect(await client.createCustomer({})).to.include({ kind: 'created', customerId: 'c4' })
    for (const body of [{ customer_id: '' }, { customer_id: 5 }, { customer: { email: 'x' }, customer_id: 'outer' }]) {
      emu.fault('create_customer', { status: 200, body, times: 1 })
      expect(seen(await rejection(client.createCustomer({})))).to.deep.equal(upstream('Dintero create customer call answered without a customer_id', 200))
    }
    for (const body of ['[{"customer_id":"c5"}]', 'null', '"c6"']) {
      emu.fault('create_customer', { status: 201, body, times: 1 })
      expect(seen(await rejection(client.createCustomer({}))).message, body).to.equal('Dintero create customer call answered with a body that is not JSON')
    }
    emu.fault('create_customer', { status: 201, nonJson: true, times: 1 })
    expect(seen(await rejection(client.createCustomer({}))).message).to.equal('Dintero create customer call answered with a body that is not JSON')
  })

  it('create customer: a duplicate by 409 or by the words of a 400; otherwise invalid, naming plain fields', async () => {
    const answer = async (status: number, body?: unknown) => {
      emu.fault('create_customer', { status, ...(body === undefined ? {} : { body }), times: 1 })
      return client.createCustomer({})
    }
    expect(await answer(409, {})).to.deep.equal({ kind: 'duplicate' })
    for (const word of ['DUPLICATE', 'already', 'Exists', 'conflict', 'taken', 'unique']) {
      expect(await answer(400, { error: { code: 'bad_request', message: `email ${word}` } }), word).to.deep.equal({ kind: 'duplicate' })
      expect(await answer(400, { error: { code: word } }), word).to.deep.equal({ kind: 'duplicate' })
    }
    // Past the first 500 characters, and anything not a string, is not read.
    expect(await answer(400, { error: { code: 'bad_request', message: `${'x'.repeat(496)}taken` } })).to.deep.equal({ kind: 'invalid', fields: [] })
    expect(await answer(400, { error: { code: 'bad_request', message: `${'x'.repeat(495)}taken` } })).to.deep.equal({ kind: 'duplicate' })
    expect(await answer(400, { error: { code: ['duplicate'], message: { text: 'already' } } })).to.deep.equal({ kind: 'invalid', fields: [] })
    expect(await answer(400, { error: 'duplicate' })).to.deep.equal({ kind: 'invalid', fields: [] })
    expect(await answer(400, null)).to.deep.equal({ kind: 'invalid', fields: [] })
    expect(await answer(400, {})).to.deep.equal({ kind: 'invalid', fields: [] })
    // The words of a duplicate count at a 400 only.
    expect(seen(await rejection(answer(500, { error: { code: 'conflict', message: 'already exists' } }))).message).to.equal('Dintero create customer call answered 500 unexpectedly')
    expect(seen(await rejection(answer(403, { error: { code: 'duplicate' } }))).name).to.equal('ClientAuthenticationError')
    expect(await answer(400, { error: { errors: { field: 'email' } } })).to.deep.equal({ kind: 'invalid', fields: [] })
    const plain = 'a'.repeat(64)
    expect(
      await answer(400, {
        error: {
          code: 'bad_request',
          errors: [{ field: 'email' }, null, { field: 'email' }, { field: 'company.name[0]-x_Y9' }, { field: plain }, { field: `${plain}b` }, { field: '' }, { field: 'a b' }, { field: 'x<' }, { field: '<x' }, { field: 3 }],
        },
      }),
    ).to.deep.equal({ kind: 'invalid', fields: ['email', 'company.name[0]-x_Y9', plain] })
    const many = Array.from({ length: 25 }, (_, i) => ({ field: `f${i}` }))
    expect(await answer(400, { error: { errors: many } })).to.deep.equal({ kind: 'invalid', fields: many.slice(0, 20).map((e) => e.field) })
  })

  it('create customer: 401/403 name the scopes the client needs', async () => {
    for (const status of [401, 403]) {
      emu.fault('create_customer', { status, times: 1 })
      expect(seen(await rejection(client.createCustomer({})))).to.include({
        name: 'ClientAuthenticationError',
        message: `Dintero refused this API client the create customer call (${status}); it needs scope create:customers:/users (and write:accounts:/auth/users)`,
        upstreamStatus: status,
      })
    }
  })

  it('signing keys: a refusal names the status; a 200 without a key array is an upstream error', async () => {
    emu.fault('keys', { status: 403, times: 1 })
    expect(seen(await rejection(client.keys()))).to.deep.equal({
      name: 'ClientAuthenticationError',
      code: 'ERR_DINTERO_CLIENT_AUTH',
      message: 'Dintero refused this client access to the signing keys (403)',
      upstreamStatus: 403,
      upstreamCode: undefined,
    })
    expect(emu.count('client_token')).to.equal(1)
    emu.fault('keys', { status: 401 })
    expect(seen(await rejection(client.keys())).message).to.equal('Dintero refused this client access to the signing keys (401)')
    // Its own 401 is the probe's answer: the token renewed once, the key set asked once more, no separate probe.
    expect(emu.count('client_token')).to.equal(2)
    expect(emu.count('keys')).to.equal(3)
    emu.clearFaults()
    emu.fault('keys', { status: 200, body: { nokeys: [] }, times: 1 })
    expect(seen(await rejection(client.keys()))).to.deep.equal({
      name: 'UpstreamError',
      code: 'ERR_DINTERO_UPSTREAM',
      message: 'Dintero signing keys call answered without a key array',
      upstreamStatus: 200,
      upstreamCode: undefined,
    })
  })
})

describe('DinteroClient: probes after a refusal, and what is never resent', () => {
  let emu: DinteroEmulator
  let client: DinteroClient
  useEmulator((e) => (emu = e))
  beforeEach(async () => {
    client = new DinteroClient(resolveOptions(strategyOptions(emu)))
    await client.login(kari)
    emu.resetCounts()
  })
  afterEach(() => client.close())

  it('at sign-in every refusal (400/401/403/404) is probed alike; an answer saying MFA is not probed', async () => {
    for (const status of [400, 401, 403, 404]) {
      emu.fault('login', { status, times: 1 })
      await rejection(client.login(kari))
    }
    expect(emu.count('keys')).to.equal(4)
    for (const status of [400, 403]) {
      emu.fault('mfa_login', { status, times: 1 })
      await rejection(client.mfaLogin(ola))
    }
    expect(emu.count('keys')).to.equal(6)
    emu.fault('login', { status: 401, body: { error: { code: 'mfa_required' } }, times: 1 })
    await rejection(client.login(kari))
    emu.fault('login', { status: 403, body: { mfa_token: 'opened' }, times: 1 })
    await rejection(client.login(kari))
    expect(emu.count('keys')).to.equal(6)
    expect(emu.count('client_token')).to.equal(0)
  })

  it('a probe in flight is kept out of dumps: util.inspect of the client shows no client token', async () => {
    emu.fault('keys', { answerDelayMs: 300, times: 1 })
    emu.fault('change_password', { status: 401, times: 1 })
    expect(await client.requestPasswordReset(KARI.email)).to.equal('refused')
    // Answered; the probe (a key-set call with the client token) is still under way, in a map keyed by that token.
    const dump = inspect(client, { depth: Infinity, showHidden: true })
    expect(dump).to.not.match(/eyJ[\w-]*\.[\w-]+\.[\w-]+/)
    expect(dump).to.not.contain('Promise')
    for (let i = 0; i < 200 && emu.count('keys') === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(emu.count('keys')).to.equal(1) // the probe did run
  })

  it('elsewhere only a 401 is probed', async () => {
    for (const status of [400, 403, 404]) {
      emu.fault('refresh', { status, times: 1 })
      await rejection(client.refresh('r'))
      emu.fault('mfa_challenge', { status, times: 1 })
      await rejection(client.mfaChallenge('t'))
    }
    expect(emu.count('keys')).to.equal(0)
    emu.fault('refresh', { status: 401, times: 1 })
    await rejection(client.refresh('r'))
    expect(emu.count('keys')).to.equal(1)
  })

  it('a probe Dintero answers 403, or cannot answer, leaves the refusal as it was: no renewal, nothing resent', async () => {
    emu.fault('keys', { status: 403, times: 1 })
    emu.fault('login', { status: 401, times: 1 })
    expect(seen(await rejection(client.login(kari))).name).to.equal('InvalidCredentialsError')
    // Every key-set request dropped (the GET's one resend on a reused socket included).
    emu.fault('keys', { destroy: true })
    emu.fault('login', { status: 401, times: 1 })
    expect(seen(await rejection(client.login(kari))).name).to.equal('InvalidCredentialsError')
    expect(emu.count('keys')).to.be.at.least(2)
    expect(emu.count('login')).to.equal(2)
    expect(emu.count('client_token')).to.equal(0)
  })

  it('a refused client token at the password reset: answered after one call, never resent; renewed for the next call', async () => {
    emu.fault('change_password', { status: 401, times: 1 })
    emu.fault('keys', { status: 401, times: 1 })
    expect(await client.requestPasswordReset(KARI.email)).to.equal('refused')
    expect(emu.count('change_password')).to.equal(1)
    // The probe and renewal run after the answer: wait for the renewal (a condition, not a time).
    for (let i = 0; i < 200 && emu.count('client_token') === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(emu.count('client_token')).to.equal(1)
    expect(await client.requestPasswordReset(KARI.email)).to.equal('sent')
    expect(emu.count('change_password')).to.equal(2)
  })

  it('a client refused with a token renewed moments ago: a ClientAuthenticationError that says so', async () => {
    emu.fault('login', { status: 401 })
    emu.fault('keys', { status: 401 })
    await rejection(client.login(kari)) // renewed once, resent once
    expect(seen(await rejection(client.login(kari)))).to.deep.equal({
      name: 'ClientAuthenticationError',
      code: 'ERR_DINTERO_CLIENT_AUTH',
      message: 'Dintero refused a client token renewed moments ago; check the API client',
      upstreamStatus: 401,
      upstreamCode: undefined,
    })
    expect(emu.count('client_token')).to.equal(1)
    expect(emu.count('login')).to.equal(3)
  })
})

describe('DinteroClient: the code grant keeps the spelling Dintero accepts', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e), { mfaGrantTypes: ['mfa_oob'] })
  // A grant type the emulator does not take as MFA is counted as a client-token request: count both.
  const grants = () => emu.requests.filter((r) => r.path.endsWith('/auth/token')).length
  const started = async (client: DinteroClient) => {
    await client.keys() // the client token, fetched before counting
    emu.resetCounts()
  }

  it('keeps the fallback spelling that Dintero took, and not one it refused', async () => {
    const client = new DinteroClient(resolveOptions(strategyOptions(emu)))
    try {
      await started(client)
      // 'mfa-oob' refused as a grant type, then 'mfa_oob' taken (the code itself is wrong): two calls.
      expect(seen(await rejection(client.mfaGrant('t', 'o', '123456'))).name).to.not.equal('UpstreamError')
      expect(grants()).to.equal(2)
      // Kept: the next grant goes out once, as 'mfa_oob'.
      await rejection(client.mfaGrant('t', 'o', '123456'))
      expect(grants()).to.equal(3)
    } finally {
      client.close()
    }
  })

  it('when both spellings are refused, the one tried first stays first', async () => {
    const client = new DinteroClient(resolveOptions(strategyOptions(emu)))
    try {
      await started(client)
      await rejection(client.mfaGrant('t', 'o', '123456')) // settles on 'mfa_oob'
      emu.resetCounts()
      // 'mfa_oob' refused by the fault; 'mfa-oob' is refused by this emulator anyway.
      emu.fault('mfa_token', { status: 400, body: { error: { code: 'unsupported_grant_type' } }, times: 1 })
      expect(seen(await rejection(client.mfaGrant('t', 'o', '123456'))).name).to.equal('UpstreamError')
      expect(grants()).to.equal(2)
      // Still 'mfa_oob' first: one call, not a refused 'mfa-oob' and a second one.
      await rejection(client.mfaGrant('t', 'o', '123456'))
      expect(grants()).to.equal(3)
    } finally {
      client.close()
    }
  })
})
