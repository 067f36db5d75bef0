/**
 * The readings of what Dintero's docs leave open, as pure functions: every shape each accepts, and what
 * it must not mistake for another.
 */
import { expect } from 'chai'
import {
  clientTokenLifetime,
  codeChannel,
  credentialsRefused,
  expiresIn,
  hasErrorCode,
  keySet,
  loginRefusal,
  mfaRequired,
  mfaRequiredAt200,
  otherMfaGrantType,
  readRefreshToken,
  refreshTokenToKeep,
  unsupportedGrantType,
} from '../../lib/dintero-readings.js'

const json = (status: number, body: unknown) => ({ status, body, notJson: false })

describe('dintero-readings', () => {
  it('mfaRequired: the token at the top level or inside error, or mfa_required without one, at any status', () => {
    expect(mfaRequired(json(403, { error: { code: 'mfa_required' }, mfa_token: 't1' }))).to.deep.equal({ mfaToken: 't1' })
    expect(mfaRequired(json(401, { error: { code: 'mfa_required', mfa_token: 't2' } }))).to.deep.equal({ mfaToken: 't2' })
    expect(mfaRequired(json(400, { error: { code: 'mfa_required' } }))).to.deep.equal({ mfaToken: undefined })
    expect(mfaRequired(json(403, { error: { code: 'forbidden' } }))).to.equal(false)
    expect(mfaRequired(json(403, { error: { code: 'mfa_required' }, mfa_token: '' }))).to.deep.equal({ mfaToken: undefined })
    expect(mfaRequired({ status: 403, body: undefined, notJson: true })).to.equal(false)
  })

  it('loginRefusal: mfa first, then refused credentials (400/401/403/404), unreadable ones refused too', () => {
    expect(loginRefusal(json(403, { error: { code: 'mfa_required' } }))).to.deep.equal({ kind: 'mfa', mfaToken: undefined })
    for (const status of [400, 401, 403, 404]) {
      expect(credentialsRefused(status)).to.equal(true)
      expect(loginRefusal(json(status, { error: { code: 'x' } }))).to.deep.equal({ kind: 'refused' })
      expect(loginRefusal({ status, body: undefined, notJson: true })).to.deep.equal({ kind: 'refused' })
      expect(loginRefusal({ status, body: undefined, notJson: false })).to.deep.equal({ kind: 'refused' })
    }
    expect(loginRefusal(json(429, {}))).to.deep.equal({ kind: 'other' })
    expect(loginRefusal(json(500, { error: { code: 'x' } }))).to.deep.equal({ kind: 'other' })
  })

  it('the code grant spelling: the other one, and unsupported_grant_type only from a 4xx', () => {
    expect(otherMfaGrantType('mfa-oob')).to.equal('mfa_oob')
    expect(otherMfaGrantType('mfa_oob')).to.equal('mfa-oob')
    expect(unsupportedGrantType(json(400, { error: { code: 'unsupported_grant_type' } }))).to.equal(true)
    expect(unsupportedGrantType(json(403, { error: { code: 'invalid_grant' } }))).to.equal(false)
    expect(unsupportedGrantType(json(500, { error: { code: 'unsupported_grant_type' } }))).to.equal(false)
  })

  it('expires_in: positive numbers and digit strings; the client token falls back on its exp, then an hour', () => {
    expect(expiresIn(14400)).to.equal(14400)
    expect(expiresIn('86400')).to.equal(86400)
    for (const bad of [undefined, null, 0, -1, 'soon', Number.NaN, Infinity]) expect(expiresIn(bad)).to.equal(undefined)
    const now = 1_700_000_000_000
    const token = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`
    expect(clientTokenLifetime(100, token({ exp: 1 }), now)).to.equal(100)
    expect(clientTokenLifetime(undefined, token({ exp: now / 1000 + 120 }), now)).to.equal(120)
    expect(clientTokenLifetime(undefined, token({ exp: now / 1000 - 5 }), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, 'not-a-jwt', now)).to.equal(3600)
  })

  it('refresh tokens: a rotated one replaces the kept one; none keeps it', () => {
    expect(refreshTokenToKeep('new', 'old')).to.equal('new')
    expect(refreshTokenToKeep(undefined, 'old')).to.equal('old')
  })

  it('the key set: a bare array or {keys}; anything else none', () => {
    const key = { kid: 'a', kty: 'RSA' }
    expect(keySet([key, 'junk', null])).to.deep.equal([key])
    expect(keySet({ keys: [key] })).to.deep.equal([key])
    expect(keySet({ key })).to.equal(undefined)
    expect(keySet('[]')).to.equal(undefined)
  })

  it('oob_channel: as Dintero said when a plain word, else by how the customer signed in', () => {
    expect(codeChannel('sms', { type: 'email', value: 'a@b.no' })).to.equal('sms')
    expect(codeChannel(undefined, { type: 'email', value: 'a@b.no' })).to.equal('email')
    expect(codeChannel(undefined, { type: 'phone_number', value: '+4791234567' })).to.equal('sms')
    expect(codeChannel('<script>', { type: 'email', value: 'a@b.no' })).to.equal('email')
  })

  it('error codes: error.code or an OAuth string error, any case, spaces and hyphens as underscores', () => {
    for (const body of [{ error: { code: 'mfa_required' } }, { error: { code: 'MFA_REQUIRED' } }, { error: { code: 'mfa-required' } }, { error: { code: ' MFA REQUIRED ' } }, { error: 'mfa_required' }]) {
      expect(hasErrorCode(json(403, body), 'mfa_required'), JSON.stringify(body)).to.equal(true)
      expect(mfaRequired(json(403, body)), JSON.stringify(body)).to.deep.equal({ mfaToken: undefined })
    }
    for (const body of [{ error: { code: 'mfa_requiredx' } }, { error: { message: 'mfa_required' } }, { code: 'mfa_required' }, 'mfa_required', { error: { code: 42 } }]) {
      expect(hasErrorCode(json(403, body), 'mfa_required'), JSON.stringify(body)).to.equal(false)
    }
    expect(unsupportedGrantType(json(400, { error: 'unsupported_grant_type' }))).to.equal(true)
    expect(unsupportedGrantType(json(400, { error: { code: 'UNSUPPORTED_GRANT_TYPE' } }))).to.equal(true)
  })

  it('credentialsRefused: exactly 400, 401, 403 and 404', () => {
    for (const status of [200, 302, 399, 402, 405, 409, 422, 429, 500, 503]) {
      expect(credentialsRefused(status), String(status)).to.equal(false)
      expect(loginRefusal(json(status, { error: { code: 'x' } })), String(status)).to.deep.equal({ kind: 'other' })
    }
  })

  it('mfa_token: only a non-empty string is a token', () => {
    for (const token of [['t'], { t: 1 }, 42, true, null]) {
      expect(mfaRequired(json(403, { mfa_token: token })), JSON.stringify(token)).to.equal(false)
      expect(mfaRequired(json(403, { error: { mfa_token: token } })), JSON.stringify(token)).to.equal(false)
    }
    // An array body is not an object with members, whatever it holds.
    expect(mfaRequired(json(403, [{ mfa_token: 't' }]))).to.equal(false)
    expect(mfaRequired(json(403, { error: [{ mfa_token: 't', code: 'mfa_required' }] }))).to.equal(false)
  })

  it('mfaRequiredAt200: a 200 that says MFA (a token, or mfa_required), also beside an access_token; anything else is tokens', () => {
    expect(mfaRequiredAt200(json(200, { mfa_token: 't', challenge_type: 'oob', oob_channel: 'sms' }))).to.deep.equal({ mfaToken: 't' })
    expect(mfaRequiredAt200(json(200, { access_token: 'a', mfa_token: 't' }))).to.deep.equal({ mfaToken: 't' })
    expect(mfaRequiredAt200(json(200, { access_token: 'a', error: { code: 'mfa_required' } }))).to.deep.equal({ mfaToken: undefined })
    expect(mfaRequiredAt200(json(200, { access_token: 'a', token_type: 'Bearer' }))).to.equal(false)
    expect(mfaRequiredAt200(json(200, undefined))).to.equal(false)
    expect(mfaRequiredAt200(json(200, [{ mfa_token: 't' }]))).to.equal(false)
    // Only at 200: a refusal is read by loginRefusal instead.
    for (const status of [201, 204, 403]) expect(mfaRequiredAt200(json(status, { mfa_token: 't' })), String(status)).to.equal(false)
  })

  it('unsupported_grant_type: only from a 4xx', () => {
    for (const status of [200, 302, 399, 500, 503]) {
      expect(unsupportedGrantType(json(status, { error: 'unsupported_grant_type' })), String(status)).to.equal(false)
    }
    for (const status of [400, 401, 403, 499]) {
      expect(unsupportedGrantType(json(status, { error: 'unsupported_grant_type' })), String(status)).to.equal(true)
    }
  })

  it('error codes: up to 100 characters as sent, runs of spaces or hyphens read as one underscore', () => {
    const padded = (n: number) => ' '.repeat(n - 'mfa_required'.length) + 'mfa_required'
    expect(hasErrorCode(json(403, { error: { code: padded(100) } }), 'mfa_required')).to.equal(true)
    expect(hasErrorCode(json(403, { error: { code: padded(101) } }), 'mfa_required')).to.equal(false)
    expect(hasErrorCode(json(403, { error: padded(101) }), 'mfa_required')).to.equal(false)
    expect(hasErrorCode(json(403, { error: { code: 'MFA  REQUIRED' } }), 'mfa_required')).to.equal(true)
    expect(hasErrorCode(json(403, { error: { code: 'mfa - required' } }), 'mfa_required')).to.equal(true)
    expect(hasErrorCode(json(403, { error: { code: 'mfarequired' } }), 'mfa_required')).to.equal(false)
    expect(hasErrorCode(json(403, { error: { code: 'xmfa_required' } }), 'mfa_required')).to.equal(false)
    expect(hasErrorCode(json(403, undefined), 'mfa_required')).to.equal(false)
    expect(hasErrorCode(json(403, [{ error: 'mfa_required' }]), 'mfa_required')).to.equal(false)
  })

  it('expires_in: at most nine digits, the whole string', () => {
    expect(expiresIn('1')).to.equal(1)
    expect(expiresIn('999999999')).to.equal(999999999)
    for (const bad of ['1234567890', '12s', 's12', '', '0', ' 12', '12 ', '-5', '1.5', '1e3']) expect(expiresIn(bad), bad).to.equal(undefined)
    expect(expiresIn(0.5)).to.equal(0.5)
  })

  it('the client token lifetime from exp: capped at a day, an hour when exp is now, past or unreadable', () => {
    const now = 1_700_000_000_000
    const raw = (payload: string) => `h.${Buffer.from(payload).toString('base64url')}.s`
    const token = (payload: object) => raw(JSON.stringify(payload))
    expect(clientTokenLifetime(undefined, token({ exp: now / 1000 + 10 * 86_400 }), now)).to.equal(86_400)
    expect(clientTokenLifetime(undefined, token({ exp: now / 1000 + 86_400 }), now)).to.equal(86_400)
    expect(clientTokenLifetime(undefined, token({ exp: now / 1000 }), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, token({ exp: String(now / 1000 + 120) }), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, token({}), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, raw('{"exp":1e400}'), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, raw('not json'), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, raw('null'), now)).to.equal(3600)
    expect(clientTokenLifetime(undefined, raw('[1700000120]'), now)).to.equal(3600)
    // expires_in, when Dintero sent it, wins over exp.
    expect(clientTokenLifetime(7200, token({ exp: now / 1000 + 120 }), now)).to.equal(7200)
  })

  it('refresh_token: a non-empty string, or none', () => {
    expect(readRefreshToken('r1')).to.equal('r1')
    for (const bad of ['', undefined, null, 42, ['r1'], { token: 'r1' }]) expect(readRefreshToken(bad), JSON.stringify(bad)).to.equal(undefined)
    expect(refreshTokenToKeep(undefined, undefined)).to.equal(undefined)
    expect(refreshTokenToKeep('new', undefined)).to.equal('new')
  })

  it('the key set: entries that are arrays are dropped too; keys that is not an array is none', () => {
    const key = { kid: 'a', kty: 'RSA' }
    expect(keySet([key, ['nested'], 42])).to.deep.equal([key])
    expect(keySet({ keys: [['nested'], key] })).to.deep.equal([key])
    expect(keySet({ keys: { 0: key } })).to.equal(undefined)
    expect(keySet(null)).to.equal(undefined)
    expect(keySet([])).to.deep.equal([])
  })

  it('oob_channel: a plain word of 1 to 20 lower-case letters, hyphens or underscores, the whole string', () => {
    const email = { type: 'email', value: 'a@b.no' } as const
    expect(codeChannel('voice_call', email)).to.equal('voice_call')
    expect(codeChannel('a'.repeat(20), email)).to.equal('a'.repeat(20))
    for (const bad of ['a'.repeat(21), '', 'SMS', 'sms<script>', '<b>sms', 'sms\n', ' sms', 'sms1', ['sms'], 42]) {
      expect(codeChannel(bad, email), JSON.stringify(bad)).to.equal('email')
    }
  })
})
