/**
 * The one-time code as the customer typed it (readCode): the spaces and dashes people add are taken
 * out, anything else that cannot be a code is refused before Dintero is asked (issue 18: the length
 * caps and the anchors of the pattern).
 */
import { expect } from 'chai'
import { readCode } from '../../lib/mfa.js'

describe('readCode', () => {
  it('takes out every space, tab, line break and dash, keeping letters and digits as typed', () => {
    expect(readCode('123456')).to.equal('123456')
    expect(readCode(' 12 34\t56\n')).to.equal('123456')
    expect(readCode('123-456')).to.equal('123456')
    expect(readCode('1-2-3 4 5 6')).to.equal('123456')
    expect(readCode('AbZ-09az')).to.equal('AbZ09az')
  })

  it('refuses anything that is not a string', () => {
    for (const value of [123456, undefined, null, ['123456'], { code: '123456' }, true]) {
      expect(readCode(value), JSON.stringify(value)).to.equal(undefined)
    }
  })

  it('refuses an empty code, or one of only spaces and dashes', () => {
    for (const value of ['', ' ', '- -', '\t\n']) expect(readCode(value), JSON.stringify(value)).to.equal(undefined)
  })

  it('refuses any other character, at the start, the end or inside', () => {
    for (const value of ['!123456', '123456!', '123!456', '123_456', '12.34', 'æøå123', '123456\u0000', '<123456>']) {
      expect(readCode(value), JSON.stringify(value)).to.equal(undefined)
    }
  })

  it('accepts a code of up to 32 characters, and no longer', () => {
    expect(readCode('7'.repeat(32))).to.equal('7'.repeat(32))
    expect(readCode('7'.repeat(33))).to.equal(undefined)
    expect(readCode('7'.repeat(31))).to.equal('7'.repeat(31))
  })

  it('reads at most 64 characters as typed, spaces and dashes included', () => {
    // 32 digits and 32 spaces: 64 characters typed, a 32-character code.
    expect(readCode('7 '.repeat(32))).to.equal('7'.repeat(32))
    expect(readCode(` ${'7 '.repeat(32)}`)).to.equal(undefined) // 65 characters typed
    expect(readCode(`${'-'.repeat(58)}123456`)).to.equal('123456') // 64 typed
    expect(readCode(`${'-'.repeat(59)}123456`)).to.equal(undefined) // 65 typed
  })
})
