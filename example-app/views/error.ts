/** The page for 404s, refused forms, rate limits and failures: a title, a sentence, a way on. */
import { html, type SafeHtml } from './html.js'
import { layout, type PageContext } from './layout.js'

/** What an error page says. */
export interface ErrorView {
  /** The HTTP status, shown small. */
  status: number
  /** A short heading. */
  title: string
  /** One or two sentences for a person; never an error message from code. */
  message: string
  /** Where to go next. Default is the home page. */
  next?: { href: string; label: string }
}

export function errorPage(ctx: PageContext, view: ErrorView): SafeHtml {
  const next = view.next ?? { href: '/', label: 'Go to the home page' }
  return layout(
    ctx,
    view.title,
    html`<section class="card narrow">
  <p class="status-code">Error ${view.status}</p>
  <h1>${view.title}</h1>
  <p>${view.message}</p>
  <p><a class="button" href="${next.href}">${next.label}</a></p>
</section>`,
  )
}
