/** "Forgot your password?": one field for the email address; Dintero emails the link. */
import { html, type SafeHtml } from './html.js'
import { csrfField, layout, type PageContext } from './layout.js'

/** What the page shows besides the form. */
export interface ForgotPasswordView {
  /** A refusal of the form, in plain words. */
  error?: string | undefined
  /** The neutral answer once the request went to Dintero (the same whether or not there is an account). */
  notice?: string | undefined
  /** What the person typed, kept so they need not type it again. */
  email?: string | undefined
  /** Shown in emulator mode: where the demo email appears. */
  emulator: boolean
}

export function forgotPasswordPage(ctx: PageContext, view: ForgotPasswordView): SafeHtml {
  return layout(
    ctx,
    'Forgot your password?',
    html`<section class="card narrow">
  <h1>Forgot your password?</h1>
  <p class="muted">Enter the email address of your Dintero customer account. We will email you a link to choose a new password.</p>
  ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
  ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
  <form method="post" action="/forgot-password" class="stack">
    ${csrfField(ctx)}
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="320" required value="${view.email ?? ''}" placeholder="you@example.com">
    <button type="submit" class="button">Send the link</button>
  </form>
  <p class="form-links"><a href="/login">Back to sign in</a></p>
  ${
    view.emulator
      ? html`<div class="demo"><p>Demo mode: the email is printed in the server's console, where it would arrive.</p></div>`
      : ''
  }
</section>`,
  )
}
