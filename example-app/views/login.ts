/** The sign-in page: one field for an email address or phone number, one for the password. */
import { html, type SafeHtml } from './html.js'
import { csrfField, layout, type PageContext } from './layout.js'

/** Demo credentials shown while the app runs against the emulator. */
export interface DemoCredentials {
  /** Email address (or phone number) of the demo user. */
  username: string
  /** The demo user's password (a throwaway, for the emulator only). */
  password: string
}

/** What the sign-in page shows besides the form. */
export interface LoginView {
  /** A refusal, in words for the person signing in. */
  error?: string | undefined
  /** A neutral message, e.g. after signing out. */
  notice?: string | undefined
  /** What the person typed as username, kept so they need not type it again (never the password). */
  username?: string | undefined
  /** Shown in emulator mode. */
  demo?: DemoCredentials | undefined
  /** Shown in emulator mode: the demo customer who signs in with a one-time code. */
  demoMfa?: DemoCredentials | undefined
}

export function loginPage(ctx: PageContext, view: LoginView): SafeHtml {
  const { demo } = view
  return layout(
    ctx,
    'Sign in',
    html`<section class="card narrow">
  <h1>Sign in</h1>
  <p class="muted">Use your Dintero customer account.</p>
  ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
  ${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
  <form method="post" action="/login" class="stack">
    ${csrfField(ctx)}
    <label for="email">Email address or phone number</label>
    <input id="email" name="email" type="text" autocomplete="username" inputmode="email" autocapitalize="none" spellcheck="false" maxlength="320" required value="${view.username ?? ''}" placeholder="you@example.com or +4791234567">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" maxlength="255" required>
    <button type="submit" class="button">Sign in</button>
  </form>
  <p class="form-links"><a href="/forgot-password">Forgot your password?</a> <a href="/signup">Create an account</a></p>
  ${
    demo
      ? html`<section class="demo" aria-label="Demo credentials">
    <h2>Demo account</h2>
    <p>Email: <code class="demo-username">${demo.username}</code><br>Password: <code class="demo-password">${demo.password}</code></p>
    ${
      view.demoMfa
        ? html`<h2>Demo account with a one-time code</h2>
    <p>Email: <code class="demo-mfa-username">${view.demoMfa.username}</code><br>Password: <code class="demo-mfa-password">${view.demoMfa.password}</code><br>The code is printed in the server's console.</p>`
        : ''
    }
  </section>`
      : ''
  }
</section>`,
  )
}
