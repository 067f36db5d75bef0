/** "Create an account": name, an email address or phone number, and a password. */
import { html, type SafeHtml } from './html.js'
import { csrfField, layout, type PageContext } from './layout.js'

/** What the sign-up page shows besides the form. */
export interface SignupView {
  /** A refusal, in plain words. */
  error?: string | undefined
  /** What the person typed, kept so they need not type it again (never the password). */
  values?: { firstName?: string | undefined; lastName?: string | undefined; username?: string | undefined } | undefined
}

export function signupPage(ctx: PageContext, view: SignupView): SafeHtml {
  const values = view.values ?? {}
  return layout(
    ctx,
    'Create an account',
    html`<section class="card narrow">
  <h1>Create an account</h1>
  <p class="muted">Your account is a Dintero customer account: you sign in with the email address or phone number and the password you choose here.</p>
  ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
  <form method="post" action="/signup" class="stack">
    ${csrfField(ctx)}
    <label for="first_name">First name <span class="muted">(optional)</span></label>
    <input id="first_name" name="first_name" type="text" autocomplete="given-name" maxlength="100" value="${values.firstName ?? ''}">
    <label for="last_name">Last name <span class="muted">(optional)</span></label>
    <input id="last_name" name="last_name" type="text" autocomplete="family-name" maxlength="100" value="${values.lastName ?? ''}">
    <label for="email">Email address or phone number</label>
    <input id="email" name="email" type="text" autocomplete="username" inputmode="email" autocapitalize="none" spellcheck="false" maxlength="320" required value="${values.username ?? ''}" placeholder="you@example.com or +4791234567" aria-describedby="email-hint">
    <p id="email-hint" class="hint">A phone number in international format, e.g. +4791234567.</p>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="new-password" minlength="4" maxlength="255" required aria-describedby="password-hint">
    <p id="password-hint" class="hint">4 to 255 characters.</p>
    <button type="submit" class="button">Create the account</button>
  </form>
  <p class="form-links">Already have an account? <a href="/login">Sign in</a></p>
</section>`,
  )
}
