/**
 * The page frame every view shares: head, header with navigation (and the demo-mode banner), main,
 * footer. Everything on a page is inside one of these landmarks, so assistive technology can reach it all.
 */
import { html, type SafeHtml } from './html.js'

/** Per-request facts a page needs besides its own content. */
export interface PageContext {
  /** True when someone is signed in. */
  signedIn: boolean
  /** The session's CSRF token, for the forms on the page (the sign-out button among them). */
  csrfToken: () => string
  /** True when the app talks to the bundled emulator instead of Dintero. */
  emulator: boolean
}

/** A hidden field with the CSRF token; every POST form carries one. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken()}">`
}

/** The sign-out button: a POST form, so a link or an image on another site cannot sign anyone out. */
export function signOutForm(ctx: PageContext, label = 'Sign out', className = 'link-button'): SafeHtml {
  return html`<form method="post" action="/logout" class="inline">${csrfField(ctx)}<button type="submit" class="${className}">${label}</button></form>`
}

/** Wraps a page's content in the shared frame. */
export function layout(ctx: PageContext, title: string, content: SafeHtml): SafeHtml {
  const nav = ctx.signedIn
    ? html`<a href="/account">Your account</a>${signOutForm(ctx)}`
    : html`<a href="/login">Sign in</a>`
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Dintero sign-in example</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/styles.css">
</head>
<body>
<header>
<div class="site-header">
  <a class="brand" href="/">Dintero sign-in example</a>
  <nav aria-label="Site">${nav}</nav>
</div>
${ctx.emulator ? html`<p class="mode-banner">Demo mode: signing in against the bundled Dintero emulator, not a real Dintero account.</p>` : ''}
</header>
<main>
${content}
</main>
<footer class="site-footer">Built with <a href="https://www.npmjs.com/package/passport-dintero">passport-dintero</a>.</footer>
</body>
</html>
`
}
