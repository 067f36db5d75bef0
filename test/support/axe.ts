/**
 * axe-core in a playwright page: the accessibility rules run in the browser on the page as rendered.
 * The script is evaluated through the DevTools protocol, which the pages' strict CSP (no inline
 * scripts) does not apply to, so nothing about the app is loosened for the test.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8')

/** One rule the page breaks, with the elements that break it. */
export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: string[]
}

/** Runs every axe rule (WCAG A/AA and best practices) on the page and returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  // Page code as a string: the test project has no DOM typings.
  return page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))`)
}
