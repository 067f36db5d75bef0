/**
 * The example app's view helpers: escaping, expiry wording, refusal wording.
 */
import { expect } from 'chai'
import { describeCodeFailure, describeLoginFailure, describeSignupRefusal, isUpstreamError } from '../../example-app/login-failure.js'
import { describeExpiry } from '../../example-app/views/account.js'
import { escapeHtml, html } from '../../example-app/views/html.js'

describe('example app: views', () => {
  describe('html', () => {
    it('escapes every interpolated string, and keeps nested html as markup', () => {
      const name = `<b>"Kari" & 'Ola'</b>`
      const out = html`<p title="${name}">${name} ${html`<i>${name}</i>`} ${[name, html`<br>`]} ${null}${undefined}${false}${3}</p>`
      const escaped = '&lt;b&gt;&quot;Kari&quot; &amp; &#39;Ola&#39;&lt;/b&gt;'
      expect(out.value).to.equal(`<p title="${escaped}">${escaped} <i>${escaped}</i> ${escaped}<br> 3</p>`)
      expect(escapeHtml('a&b')).to.equal('a&amp;b')
    })
  })

  describe('describeExpiry', () => {
    const now = Date.UTC(2025, 0, 1)
    it('words the time left', () => {
      expect(describeExpiry(now + 3_599_500, now)).to.equal('in 1 hour')
      expect(describeExpiry(now + 5 * 60_000, now)).to.equal('in 5 minutes')
      expect(describeExpiry(now + 20_000, now)).to.equal('in less than a minute')
      expect(describeExpiry(now + 24 * 3_600_000, now)).to.equal('in 24 hours')
      expect(describeExpiry(now + 3 * 86_400_000, now)).to.equal('in 3 days')
      expect(describeExpiry(now - 1, now)).to.equal('expired')
    })
  })

  describe('describeSignupRefusal', () => {
    const filled = { username: true, password: true }
    it('words a taken address as a 409, whatever was filled in', () => {
      const duplicate = { created: false, reason: 'duplicate', message: 'x' } as const
      expect(describeSignupRefusal(duplicate, filled)).to.deep.equal({
        status: 409,
        message: 'There is already an account for this email address or phone number. Sign in, or use "Forgot your password?".',
      })
      expect(describeSignupRefusal(duplicate, { username: false, password: false }).status).to.equal(409)
    })
    it('words refused fields as a 400: missing ones first, then names, then the strategy\'s own words', () => {
      const invalid = (message: string, fields: string[]) => ({ created: false, reason: 'invalid', message, fields }) as const
      expect(describeSignupRefusal(invalid('Missing credentials', ['username', 'password']), { username: false, password: true }).message).to.equal(
        'Enter your email address or phone number.',
      )
      expect(describeSignupRefusal(invalid('x', ['lastName']), filled).message).to.equal('Names can be at most 100 characters, on one line.')
      expect(describeSignupRefusal(invalid('Password must be 4 to 255 characters', ['password']), filled)).to.deep.equal({
        status: 400,
        message: 'Password must be 4 to 255 characters.',
      })
    })
  })

  describe('describeLoginFailure', () => {
    const filled = { username: true, password: true }
    it('maps the codes and statuses the strategy gives', () => {
      expect(describeLoginFailure({ message: 'x', code: 'ERR_DINTERO_INVALID_CREDENTIALS' }, 401, filled).status).to.equal(401)
      expect(describeLoginFailure({ message: 'x', code: 'ERR_DINTERO_RATE_LIMITED' }, 429, filled)).to.deep.equal({
        status: 429,
        message: 'Too many sign-in attempts. Wait a minute and try again.',
      })
      expect(describeLoginFailure({ message: 'x', code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 601 }, 429, filled).message).to.include('11 minutes')
      expect(describeLoginFailure({ message: 'Password must be 4 to 255 characters' }, 400, filled)).to.deep.equal({
        status: 400,
        message: 'Password must be 4 to 255 characters.',
      })
      expect(describeLoginFailure({ message: 'Sign-in was refused' }, 401, filled)).to.deep.equal({
        status: 401,
        message: 'We could not sign you in. Try again.',
      })
    })

    it('words refused codes and resends', () => {
      const code = (info: object, status?: number) => describeCodeFailure({ message: 'x', ...info }, status)
      expect(code({ code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 1 }, 401)).to.deep.equal({
        status: 401,
        message: 'That code is not right. You have 1 more try.',
      })
      expect(code({ code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 3 }).message).to.include('3 more tries')
      expect(code({ code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 0 }).message).to.include('too many times')
      expect(code({ code: 'ERR_DINTERO_MFA_RESEND_LIMITED', retryAfter: 12 }).message).to.equal('Wait 12 seconds before asking for a new code.')
      expect(code({ code: 'ERR_DINTERO_MFA_RESEND_LIMITED' }).message).to.include('No more codes')
      expect(code({ code: 'ERR_DINTERO_RATE_LIMITED' }, 429)).to.deep.equal({ status: 429, message: 'Too many attempts. Wait a minute and try again.' })
      expect(code({}, 400).message).to.equal('Enter the code from the message we sent you.')
      expect(code({}, 401).message).to.equal('We could not sign you in. Try again.')
    })

    it('tells upstream errors by code', () => {
      expect(isUpstreamError({ code: 'ERR_DINTERO_TIMEOUT' })).to.equal(true)
      expect(isUpstreamError({ code: 'ERR_DINTERO_CLIENT_AUTH' })).to.equal(false)
      expect(isUpstreamError(new Error('x'))).to.equal(false)
      expect(isUpstreamError(null)).to.equal(false)
    })
  })
})
