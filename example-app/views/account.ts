/** The account page: who is signed in, from the verified claims, and when the access token expires. */
import { html, type SafeHtml } from './html.js'
import { layout, signOutForm, type PageContext } from './layout.js'

/** What the account page shows. Built from verified claims; never holds a token. */
export interface AccountView {
  /** The `name` claim, when the token has one. */
  name?: string | undefined
  /** The `email` claim. */
  email?: string | undefined
  /** The `phone_number` claim. */
  phone?: string | undefined
  /** The customer id (`sub`). */
  customerId: string
  /** When the access token expires, in milliseconds since epoch. */
  expiresAt: number
  /** Now, in milliseconds since epoch (for the "in 3 hours" wording). */
  now: number
}

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'always' })

/** "in 23 hours", "in 5 minutes", "in 3 days"; "expired" once past. */
export function describeExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now
  if (left <= 0) return 'expired'
  // Round to minutes first, so 59 minutes and 59.5 seconds reads "in 1 hour", not "in 60 minutes".
  const minutes = Math.round(left / 60_000)
  if (minutes < 1) return 'in less than a minute'
  if (minutes < 60) return RELATIVE.format(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  if (hours < 48) return RELATIVE.format(hours, 'hour')
  return RELATIVE.format(Math.round(hours / 24), 'day')
}

export function accountPage(ctx: PageContext, view: AccountView): SafeHtml {
  const row = (label: string, value: string | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : '')
  const expires = new Date(view.expiresAt)
  return layout(
    ctx,
    'Your account',
    html`<section class="card">
  <h1>${view.name ? `Hello, ${view.name}` : 'You are signed in'}</h1>
  <dl class="facts">
    ${row('Name', view.name)}
    ${row('Email address', view.email)}
    ${row('Phone number', view.phone)}
    ${row('Customer id', view.customerId)}
    <dt>Access token expires</dt>
    <dd><time datetime="${expires.toISOString()}">${DATE.format(expires)} UTC</time> <span class="muted">(${describeExpiry(view.expiresAt, view.now)})</span></dd>
  </dl>
  <p class="muted">These details come from the access token Dintero issued, after its signature was verified. The token itself stays on the server.</p>
  ${signOutForm(ctx, 'Sign out', 'button secondary')}
</section>`,
  )
}
