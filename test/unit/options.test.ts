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
  ] as const) {
    it(`throws a TypeError naming ${name} for ${JSON.stringify(value)}`, () => {
      expect(() => resolveOptions({ ...base, [name]: value })).to.throw(TypeError, new RegExp(`option ${name}`))
    })
  }

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
})
