import { inspect } from 'node:util'
import { expect } from 'chai'
import { isLoopbackHost, resolveOptions } from '../../lib/options.js'

const base = { accountId: 'T12345678', clientId: 'id', clientSecret: 'super-secret-value' }

describe('options', () => {
  it('applies the documented defaults', () => {
    const o = resolveOptions(base)
    expect(o).to.include({
      baseUrl: 'https://api.dintero.com',
      audience: 'https://api.dintero.com/v1/accounts/T12345678',
      userType: 'customer',
      usernameField: 'email',
      passwordField: 'password',
      passReqToCallback: false,
      clockTolerance: 30,
      timeout: 10000,
      name: 'dintero',
    })
    expect(o.issuer).to.equal(undefined)
  })

  it('applies the documented MFA defaults, and keeps explicit ones', () => {
    expect(resolveOptions(base)).to.include({
      mfa: 'off',
      mfaURL: undefined,
      codeField: 'code',
      mfaGrantType: undefined,
      mfaMaxAttempts: 5,
      mfaLifetime: 300_000,
      mfaResendInterval: 30_000,
      mfaMaxResends: 3,
    })
    const o = resolveOptions({ ...base, mfa: 'auto', mfaURL: '/login/mfa', codeField: 'otp', mfaGrantType: 'mfa_oob', mfaMaxAttempts: 3 })
    expect(o).to.include({ mfa: 'auto', mfaURL: '/login/mfa', codeField: 'otp', mfaGrantType: 'mfa_oob', mfaMaxAttempts: 3 })
  })

  it('derives the audience from baseUrl', () => {
    expect(resolveOptions({ ...base, baseUrl: 'http://127.0.0.1:4000/' }).audience).to.equal('http://127.0.0.1:4000/v1/accounts/T12345678')
  })

  it('keeps an explicit audience and issuer list', () => {
    const o = resolveOptions({ ...base, audience: 'aud', issuer: ['a', 'b'] })
    expect(o.audience).to.equal('aud')
    expect(o.issuer).to.deep.equal(['a', 'b'])
  })

  for (const [name, value] of [
    ['accountId', undefined],
    ['accountId', 'X12345678'],
    ['accountId', 'T1234567'],
    ['clientId', ''],
    ['clientSecret', undefined],
    ['clientSecret', 42],
    ['userType', 'admin'],
    ['timeout', 0],
    ['timeout', 'fast'],
    ['clockTolerance', -1],
    ['issuer', []],
    ['passReqToCallback', 'yes'],
    ['jwksCacheMaxAge', 0],
    ['jwksCacheMaxAge', 1500.5],
    ['jwksRequestsPerMinute', 2.5],
    ['systemName', 'shop\r\nX-Injected: 1'],
    ['systemVersion', ''],
    ['baseUrl', 'not a url'],
    ['baseUrl', 'http://api.dintero.com'],
    ['baseUrl', 'http://10.0.0.5:8080'],
    ['baseUrl', 'https://api.dintero.com/v1'],
    ['baseUrl', 'https://user:pass@api.dintero.com'],
    ['mfa', 'on'],
    ['mfa', true],
    ['mfaURL', ''],
    ['codeField', 'email'],
    ['codeField', 'password'],
    ['mfaGrantType', ''],
    ['mfaMaxAttempts', 0],
    ['mfaMaxAttempts', 2.5],
    ['mfaLifetime', 10],
    ['mfaResendInterval', -1],
    ['mfaMaxResends', 1.5],
    // Found by the mutation run (test/MUTATION.md): each option's name reaches its message, anchors, caps.
    ['accountId', 'xT12345678'],
    ['accountId', 'T123456789'],
    ['audience', ''],
    ['usernameField', ''],
    ['passwordField', ''],
    ['codeField', ''],
    ['name', ''],
    ['baseUrl', ''],
    ['baseUrl', 'https://user@api.dintero.com'],
    ['baseUrl', 'https://api.dintero.com/?x=1'],
    ['baseUrl', 'https://api.dintero.com/#x'],
    ['baseUrl', 'ftp://localhost:2121'],
    ['timeout', Number.NaN],
    ['clockTolerance', 3601],
    ['maxResponseBytes', 1023],
    ['maxResponseBytes', 64 * 1024 * 1024 + 1],
    ['issuer', ''],
    ['issuer', ['a', '']],
    ['issuer', ['a', 42]],
    ['issuer', [{ length: 1 }]],
    ['systemName', 'x'.repeat(201)],
  ] as const) {
    it(`throws a TypeError naming ${name} for ${JSON.stringify(value)}`, () => {
      expect(() => resolveOptions({ ...base, [name]: value })).to.throw(TypeError, new RegExp(`option ${name}`))
    })
  }

  it('keeps the client secret readable but out of util.inspect (hidden fields shown too), JSON and spreads', () => {
    const resolved = resolveOptions(base)
    expect(resolved.clientSecret).to.equal('super-secret-value')
    expect(inspect(resolved)).not.to.contain('super-secret-value')
    expect(inspect(resolved, { showHidden: true, depth: Infinity })).not.to.contain('super-secret-value')
    expect(JSON.stringify(resolved)).not.to.contain('super-secret-value')
    expect({ ...resolved }).not.to.have.property('clientSecret')
  })

  it('never echoes the client secret', () => {
    try {
      resolveOptions({ ...base, accountId: 'bad', clientSecret: 'super-secret-value' })
      expect.fail('should throw')
    } catch (err) {
      expect(String((err as Error).message)).not.to.contain('super-secret-value')
    }
  })

  it('allows plain http only to loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopbackHost(host), host).to.equal(true)
    for (const host of ['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(host), host).to.equal(false)
    expect(resolveOptions({ ...base, baseUrl: 'http://localhost:3000' }).baseUrl).to.equal('http://localhost:3000')
  })

  it('accepts the bounds of a range, fractions where whole numbers are not required, and explicit values', () => {
    const o = resolveOptions({
      ...base,
      clockTolerance: 3600,
      timeout: 1500.5,
      name: 'dintero-eu',
      maxResponseBytes: 64 * 1024 * 1024,
      systemName: 'x'.repeat(200),
    })
    expect(o).to.include({ clockTolerance: 3600, timeout: 1500.5, name: 'dintero-eu', maxResponseBytes: 64 * 1024 * 1024, systemName: 'x'.repeat(200) })
    expect(resolveOptions({ ...base, clockTolerance: 0, maxResponseBytes: 1024 })).to.include({ clockTolerance: 0, maxResponseBytes: 1024 })
  })

  it('refuses a passwordField equal to usernameField', () => {
    expect(() => resolveOptions({ ...base, usernameField: 'user', passwordField: 'user' })).to.throw(TypeError, /option passwordField/)
  })

  // The messages are part of what a developer reads at start-up: each kind pinned once, word for word.
  for (const [label, input, message] of [
    ['no options object', null, 'DinteroPasswordStrategy requires an options object'],
    ['a string instead of options', 'T12345678', 'DinteroPasswordStrategy requires an options object'],
    ['an empty clientId', { ...base, clientId: '' }, 'option clientId is required and must be a non-empty string'],
    ['a malformed accountId', { ...base, accountId: 'T1' }, 'option accountId must be T or P followed by 8 digits'],
    ['a timeout below its range', { ...base, timeout: 0.5 }, 'option timeout must be a number from 1 to 300000'],
    ['a fractional mfaMaxAttempts', { ...base, mfaMaxAttempts: 2.5 }, 'option mfaMaxAttempts must be a whole number from 1 to 100'],
    ['a non-ASCII systemName', { ...base, systemName: 'bøtte' }, 'option systemName must be printable ASCII, at most 200 characters'],
    ['a baseUrl that is not a URL', { ...base, baseUrl: 'x' }, 'option baseUrl must be an absolute URL'],
    ['a baseUrl with a path', { ...base, baseUrl: 'https://api.dintero.com/v1' }, 'option baseUrl must be an origin only (no credentials, path, query or fragment)'],
    ['a plain-http baseUrl', { ...base, baseUrl: 'http://api.dintero.com' }, 'option baseUrl must use https (plain http is allowed only for a loopback host such as the emulator)'],
    ['an unknown userType', { ...base, userType: 'admin' }, "option userType must be 'customer' or 'company'"],
    ['an empty issuer list', { ...base, issuer: [] }, 'option issuer must be a non-empty string or a non-empty array of them'],
    ['a non-boolean passReqToCallback', { ...base, passReqToCallback: 1 }, 'option passReqToCallback must be a boolean'],
    ['an unknown mfa mode', { ...base, mfa: 'on' }, "option mfa must be 'off', 'auto' or 'always'"],
    ['a codeField equal to usernameField', { ...base, codeField: 'email' }, 'option codeField must differ from usernameField and passwordField'],
    ['a passwordField equal to usernameField', { ...base, passwordField: 'email' }, 'option passwordField must differ from usernameField'],
  ] as const) {
    it(`says what is wrong, word for word, for ${label}`, () => {
      const expected = message.startsWith('option ') ? `DinteroPasswordStrategy: ${message}` : message
      expect(() => resolveOptions(input)).to.throw(TypeError).with.property('message', expected)
    })
  }

  it('reads only a bracketed host as IPv6 and only a whole 127.x.x.x address as loopback', () => {
    expect(isLoopbackHost('127.10.100.255')).to.equal(true)
    for (const host of ['local[host', 'local]host', 'x127.0.0.1', '127.0.0.1.example.com', '127.0.0.1x']) {
      expect(isLoopbackHost(host), host).to.equal(false)
    }
  })
})
