/**
 * Root hooks of `npm run test:security`: every debug namespace on and captured from the start,
 * and the summary of what the suite observed printed at the end. A leaked secret fails the run
 * here too, whichever test it came from.
 */
import './debug-everything.js'
import createDebug from 'debug'
import { evidence, summary } from '../support/figures.js'

export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    this.timeout(300_000)
    const scan = evidence.scan()
    createDebug.disable()
    evidence.stderr?.stop()
    console.log(summary(scan))
    if (scan.leaked.length > 0) throw new Error(`secrets leaked: ${scan.leaked.join(', ')}`)
  },
}
