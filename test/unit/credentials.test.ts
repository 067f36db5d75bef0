import { expect } from 'chai'
import { MESSAGES, parseIdent, readCredentials, readIdent } from '../../lib/credentials.js'

describe('credentials', () => {
  describe('parseIdent', () => {
    it('reads an email address', () => {
      expect(parseIdent('kari@example.no')).to.deep.equal({ type: 'email', value: 'kari@example.no' })
    })
    it('trims white space around an email address', () => {
      expect(parseIdent('  kari@example.no ')).to.deep.equal({ type: 'email', value: 'kari@example.no' })
    })
    it('reads an E.164 phone number', () => {
      expect(parseIdent('+4791234567')).to.deep.equal({ type: 'phone_number', value: '+4791234567' })
    })
    it('strips spaces and dashes people type in phone numbers', () => {
      expect(parseIdent('+47 912-34 567')).to.deep.equal({ type: 'phone_number', value: '+4791234567' })
    })
    // The patterns are anchored at both ends: text around an address or number is not ignored.
    it('refuses junk after an email address', () => {
      expect(parseIdent('kari@example.no junk')).to.equal(undefined)
      expect(parseIdent('kari@example.no\n+4791234567')).to.equal(undefined)
    })
    it('refuses junk before a phone number', () => {
      expect(parseIdent('tel+4791234567')).to.equal(undefined)
      expect(parseIdent('kari@example.no +4791234567')).to.equal(undefined)
    })
    it('accepts an email address of 254 characters and refuses one of 255 (RFC 5321)', () => {
      const address = (length: number) => `${'a'.repeat(length - '@example.no'.length)}@example.no`
      expect(parseIdent(address(254))).to.deep.equal({ type: 'email', value: address(254) })
      expect(parseIdent(address(255))).to.equal(undefined)
    })
    for (const bad of ['kari', '4791234567', '+0123456789', '+12', '+1234567890123456', 'a@b', 'a b@c.no', 'kari@exa\u0000mple.no', '@example.no']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(parseIdent(bad)).to.equal(undefined)
      })
    }
  })

  describe('readIdent (the sign-in form\'s username check, shared by password reset and sign-up)', () => {
    it('reads what parseIdent reads', () => {
      expect(readIdent(' Kari@example.no ')).to.deep.equal({ type: 'email', value: 'Kari@example.no' })
      expect(readIdent('+47 912 34 567')).to.deep.equal({ type: 'phone_number', value: '+4791234567' })
    })
    for (const bad of [undefined, null, 42, ['kari@example.no'], '', `${'k'.repeat(310)}@example.no`, 'kari']) {
      it(`refuses ${JSON.stringify(bad)?.slice(0, 40)}`, () => {
        expect(readIdent(bad)).to.equal(undefined)
      })
    }
  })

  describe('readCredentials', () => {
    const read = (body: unknown) => readCredentials(body, 'email', 'password')

    it('accepts a valid form', () => {
      expect(read({ email: 'kari@example.no', password: 'secret1' })).to.deep.equal({
        ok: true,
        credentials: { ident: { type: 'email', value: 'kari@example.no' }, password: 'secret1' },
      })
    })
    it('uses the configured field names', () => {
      const r = readCredentials({ user: '+4791234567', pin: '1234' }, 'user', 'pin')
      expect(r.ok).to.equal(true)
    })
    for (const [label, body] of [
      ['no body', undefined],
      ['a null body', null],
      ['an empty body', {}],
      ['an empty username', { email: '', password: 'secret1' }],
      ['an empty password', { email: 'kari@example.no', password: '' }],
      ['an array username', { email: ['kari@example.no'], password: 'secret1' }],
      ['an object password', { email: 'kari@example.no', password: { $ne: '' } }],
      ['a number password', { email: 'kari@example.no', password: 12345 }],
      ['credentials inherited through the prototype', Object.create({ email: 'kari@example.no', password: 'secret1' })],
    ] as const) {
      it(`says credentials are missing for ${label}`, () => {
        expect(read(body)).to.deep.equal({ ok: false, message: MESSAGES.missing })
      })
    }
    it('refuses a password of 3 characters', () => {
      expect(read({ email: 'kari@example.no', password: 'abc' })).to.deep.equal({ ok: false, message: MESSAGES.password })
    })
    it('refuses a password of 256 characters and accepts 255', () => {
      expect(read({ email: 'kari@example.no', password: 'x'.repeat(256) })).to.deep.equal({ ok: false, message: MESSAGES.password })
      expect(read({ email: 'kari@example.no', password: 'x'.repeat(255) }).ok).to.equal(true)
    })
    it('refuses a username that is neither an email nor a phone number', () => {
      expect(read({ email: 'kari', password: 'secret1' })).to.deep.equal({ ok: false, message: MESSAGES.username })
    })
    it('refuses a very long username without running the patterns on it', () => {
      expect(read({ email: `${'a'.repeat(1_000_000)}@example.no`, password: 'secret1' })).to.deep.equal({ ok: false, message: MESSAGES.username })
    })
    it('caps the username at 320 characters before trimming, even around a valid phone number', () => {
      // Trimmed, both are +4791234567: the cap applies to what the client sent.
      const padded = (length: number) => `+4791234567${' '.repeat(length - '+4791234567'.length)}`
      expect(read({ email: padded(320), password: 'secret1' })).to.deep.include({ ok: true })
      expect(read({ email: padded(321), password: 'secret1' })).to.deep.equal({ ok: false, message: MESSAGES.username })
    })
    it('never echoes the password in a message', () => {
      const r = read({ email: 'kari', password: 'hunter22' })
      expect(JSON.stringify(r)).not.to.contain('hunter22')
    })
  })
})
