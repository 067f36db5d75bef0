/**
 * handleAuthResult and DinteroAuthFailure (for NestJS guards), beyond test/unit/session-host.test.ts:
 * what a guard throws for each shape of Passport's (err, user, info, status).
 */
import { expect } from 'chai'
import { DinteroAuthFailure, handleAuthResult, UpstreamError } from '../../lib/index.js'

function thrownBy(fn: () => unknown): any {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('handleAuthResult', () => {
  it('DinteroAuthFailure: its name, message, statusCode and status, expose, info', () => {
    const failure = new DinteroAuthFailure({ message: 'Wrong code', code: 'ERR_DINTERO_MFA_CODE_INVALID' }, 401)
    expect(failure).to.be.instanceOf(Error)
    expect(failure.name).to.equal('DinteroAuthFailure')
    expect(String(failure)).to.equal('DinteroAuthFailure: Wrong code')
    expect(failure).to.include({ message: 'Wrong code', statusCode: 401, status: 401, expose: true })
    expect(failure.info).to.deep.equal({ message: 'Wrong code', code: 'ERR_DINTERO_MFA_CODE_INVALID' })
  })

  it('an err that is not an Error: a plain Error "Sign-in failed", not the value', () => {
    for (const err of ['boom', 42, { message: 'secret detail', status: 400 }, true]) {
      const thrown = thrownBy(() => handleAuthResult(err, { id: 'c1' }, undefined, undefined))
      expect(thrown, JSON.stringify(err)).to.be.instanceOf(Error)
      expect(thrown).to.not.be.instanceOf(DinteroAuthFailure)
      expect(thrown.message).to.equal('Sign-in failed')
      expect(thrown).to.not.have.property('statusCode')
    }
  })

  it('an Error is rethrown as it is, even with a user', () => {
    const err = new UpstreamError('Dintero answered 500')
    expect(thrownBy(() => handleAuthResult(err, { id: 'c1' }))).to.equal(err)
  })

  it('a falsy err with a user returns the user', () => {
    for (const err of [null, undefined, false, 0, '']) expect(handleAuthResult(err, { id: 'c1' })).to.deep.equal({ id: 'c1' })
  })

  it('info: its message when a string, else "Sign-in was refused"; its other members kept', () => {
    const nonString = thrownBy(() => handleAuthResult(null, false, { message: 42, code: 'ERR_X' }, 401))
    expect(nonString.message).to.equal('Sign-in was refused')
    expect(nonString.info).to.deep.equal({ message: 'Sign-in was refused', code: 'ERR_X' })

    const noMessage = thrownBy(() => handleAuthResult(null, null, { mfaRequired: true }, 401))
    expect(noMessage.info).to.deep.equal({ message: 'Sign-in was refused', mfaRequired: true })

    for (const info of ['Missing credentials', ['Missing credentials'], [{ message: 'x' }], null, 42]) {
      const thrown = thrownBy(() => handleAuthResult(null, false, info, 400))
      expect(thrown, JSON.stringify(info)).to.be.instanceOf(DinteroAuthFailure)
      expect(thrown.message).to.equal('Sign-in was refused')
      expect(thrown.info).to.deep.equal({ message: 'Sign-in was refused' })
      expect(thrown.statusCode).to.equal(400)
    }
  })

  it('the status: 400 to 599 kept; anything else, or none, is 401', () => {
    for (const status of [400, 429, 503, 599]) expect(thrownBy(() => handleAuthResult(null, false, undefined, status)).statusCode, String(status)).to.equal(status)
    for (const status of [399, 600, 200, 0, -1, '429', null, Number.NaN]) {
      expect(thrownBy(() => handleAuthResult(null, false, undefined, status)).statusCode, String(status)).to.equal(401)
    }
  })

  it('several strategies: the first number of the list, 401 when it has none or it is out of range', () => {
    expect(thrownBy(() => handleAuthResult(null, false, undefined, [400, 429])).statusCode).to.equal(400)
    expect(thrownBy(() => handleAuthResult(null, false, undefined, ['429', null, 403])).statusCode).to.equal(403)
    expect(thrownBy(() => handleAuthResult(null, false, undefined, [undefined, '429'])).statusCode).to.equal(401)
    expect(thrownBy(() => handleAuthResult(null, false, undefined, [200, 429])).statusCode).to.equal(401)
    expect(thrownBy(() => handleAuthResult(null, false, undefined, [])).statusCode).to.equal(401)
  })
})
