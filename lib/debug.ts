/**
 * Debug logging under the `passport-dintero` namespace (`DEBUG=passport-dintero*`). Callers log
 * calls, outcomes and timings only: never a body, a header, a password, a secret or a token.
 *
 * @packageDocumentation
 */
import createDebug from 'debug'

/** A logger for one part of the package, e.g. `passport-dintero:http`. @internal */
export function logger(part: string): createDebug.Debugger {
  return createDebug(`passport-dintero:${part}`)
}
