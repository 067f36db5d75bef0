/** The site's one stylesheet, served at `/styles.css` (a file of its own keeps the CSP free of inline styles). */
export const STYLES = `:root {
  --ink: #1d2330; --muted: #5b6474; --line: #dfe3ea; --bg: #f5f6f8; --card: #fff;
  --accent: #1b4fd8; --accent-ink: #fff; --error: #a4141c; --error-bg: #fdecec; --ok-bg: #e8f4ec; --ok: #1e6b39;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); line-height: 1.5;
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--accent); }
.site-header { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: 0.9rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; color: var(--ink); text-decoration: none; }
.site-header nav { display: flex; align-items: center; gap: 1rem; }
.mode-banner { margin: 0; padding: 0.5rem 1.5rem; background: #fff7db; border-bottom: 1px solid #f0dc9a;
  color: #6b5200; font-size: 0.9rem; text-align: center; }
main { flex: 1; width: 100%; max-width: 44rem; margin: 2.5rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 2rem;
  box-shadow: 0 1px 3px rgba(20, 30, 50, 0.06); }
.narrow { max-width: 26rem; margin: 0 auto; }
h1 { margin: 0 0 0.75rem; font-size: 1.6rem; }
h2 { font-size: 1rem; margin: 0 0 0.4rem; }
.muted { color: var(--muted); }
.stack { display: flex; flex-direction: column; gap: 0.4rem; margin-top: 1.25rem; }
label { font-weight: 600; font-size: 0.95rem; margin-top: 0.5rem; }
input[type="text"], input[type="password"] { font: inherit; padding: 0.6rem 0.75rem; border: 1px solid #b9c0cc;
  border-radius: 8px; background: #fff; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid rgba(27, 79, 216, 0.35); outline-offset: 1px; }
.button { display: inline-block; font: inherit; font-weight: 600; padding: 0.65rem 1.2rem; border: 0; border-radius: 8px;
  background: var(--accent); color: var(--accent-ink); text-decoration: none; cursor: pointer; }
.stack .button { margin-top: 1rem; }
.button.secondary { background: #e9edf5; color: var(--ink); }
.link-button { font: inherit; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }
.inline { display: inline; margin: 0; }
.error { background: var(--error-bg); color: var(--error); border: 1px solid #f3c4c6; border-radius: 8px; padding: 0.7rem 0.9rem; }
.notice { background: var(--ok-bg); color: var(--ok); border: 1px solid #bfe0ca; border-radius: 8px; padding: 0.7rem 0.9rem; }
.demo { margin-top: 1.5rem; padding: 0.9rem 1rem; border: 1px dashed #c9b25a; border-radius: 8px; background: #fffbea; font-size: 0.95rem; }
.demo p { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.25rem; margin: 1.25rem 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.status-code { margin: 0 0 0.25rem; color: var(--muted); font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.05em; }
.demo p + h2 { margin-top: 0.8rem; }
.code-actions { display: flex; justify-content: space-between; align-items: center; margin-top: 1.25rem; }
@media (max-width: 480px) {
  main { margin: 1.25rem auto; }
  .card { padding: 1.25rem; }
  .site-header { padding: 0.8rem 1rem; }
}
.form-links { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem 1rem; margin: 1.25rem 0 0; }
.hint { margin: 0; color: var(--muted); font-size: 0.85rem; }
input[type="email"] { font: inherit; padding: 0.6rem 0.75rem; border: 1px solid #b9c0cc; border-radius: 8px; background: #fff; }
.site-footer { padding: 1.25rem; text-align: center; color: var(--muted); font-size: 0.85rem; }
`
