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
  otherMfaGrantType,
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
})
