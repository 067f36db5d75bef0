/** The one-time code page: step 2 of a sign-in whose account requires MFA, with "send a new code". */
import { html, type SafeHtml } from './html.js'
import { csrfField, layout, type PageContext } from './layout.js'

/** What the code page shows. Never holds a code, an `mfa_token` or an `oob_code`. */
export interface CodeView {
  /** Where the code went: `'sms'`, `'email'`, or undefined when unknown. */
  channel: string | undefined
  /** Codes that may still be resent; the resend button is hidden at 0. */
  resendsLeft: number
  /** A refusal, in words for the person signing in. */
  error?: string | undefined
  /** A neutral message, e.g. "We sent a new code". */
  notice?: string | undefined
  /** Shown in emulator mode: where the demo code appears. */
  emulator: boolean
}

function sentBy(channel: string | undefined): string {
  if (channel === 'sms') return 'We sent a code by SMS to your phone.'
  if (channel === 'email') return 'We sent a code to your email address.'
  return 'We sent you a code.'
}

export function codePage(ctx: PageContext, view: CodeView): SafeHtml {
  return layout(
    ctx,
    'Enter your code',
    html`<section class="card narrow">
  <h1>Enter your code</h1>
  <p class="muted">${sentBy(view.channel)} Enter it to finish signing in.</p>
  ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
  ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
  <form method="post" action="/login/mfa" class="stack">
    ${csrfField(ctx)}
    <label for="code">One-time code</label>
    <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric" autocapitalize="none" spellcheck="false" maxlength="32" required autofocus>
    <button type="submit" class="button">Sign in</button>
  </form>
  <div class="code-actions">
    ${
      view.resendsLeft > 0
        ? html`<form method="post" action="/login/mfa/resend" class="inline">${csrfField(ctx)}<button type="submit" class="link-button">Send a new code</button></form>`
        : ''
    }
    <a href="/login">Start again</a>
  </div>
  ${
    view.emulator
      ? html`<div class="demo"><p>Demo mode: the code is printed in the server's console, where the SMS or email would arrive.</p></div>`
      : ''
  }
</section>`,
  )
}
