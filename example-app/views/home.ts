/** The home page. */
import { html, type SafeHtml } from './html.js'
import { layout, type PageContext } from './layout.js'

export function homePage(ctx: PageContext): SafeHtml {
  const action = ctx.signedIn
    ? html`<a class="button" href="/account">Go to your account</a>`
    : html`<a class="button" href="/login">Sign in</a>`
  return layout(
    ctx,
    'Welcome',
    html`<section class="card hero">
  <h1>Welcome</h1>
  <p>This site signs you in with your Dintero customer account: your email address or phone number and your password.</p>
  <p>Your password goes to Dintero only; this site keeps the verified answer in a server-side session.</p>
  <p>${action}</p>
</section>`,
  )
}
