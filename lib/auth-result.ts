/**
 * Keeping the strategy's statuses where a framework's guard would flatten them (NestJS's `AuthGuard`
 * turns every failure into a bare 401 and every error without `statusCode` into a 500).
 *
 * @packageDocumentation
 */
import { isRecord } from './session.js'
import type { DinteroFailureInfo } from './sign-in.js'

/**
 * A refused sign-in as an error: `statusCode` is the status the strategy failed with (400 for a form
 * that cannot be right, 401 for wrong credentials or a code step, 429 when Dintero rate limits), and
 * `message` the words to show. NestJS's exception filter answers `{ statusCode, message }` with it.
 */
export class DinteroAuthFailure extends Error {
  /** The HTTP status to answer with. */
  readonly statusCode: number
  /** The same as {@link DinteroAuthFailure.statusCode}. */
  readonly status: number
  /** The failure's `info` as the strategy gave it (`code`, `mfaRequired`, `retryAfter`, …). */
  readonly info: DinteroFailureInfo
  /** The message is for the client (the `http-errors` convention NestJS reads). Always true. */
  readonly expose = true

  constructor(info: DinteroFailureInfo, statusCode: number) {
    super(info.message)
    this.name = 'DinteroAuthFailure'
    this.statusCode = statusCode
    this.status = statusCode
    this.info = info
  }
}

/**
 * For NestJS: the body of an `AuthGuard`'s `handleRequest(err, user, info, context, status)` that keeps
 * this package's statuses. Returns the user; throws a `DinteroError` as it is (its `statusCode`,
 * e.g. 503 for an unreachable Dintero, is what Nest answers) and a failure as a
 * {@link DinteroAuthFailure} with the strategy's status (default 401) and message.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class DinteroAuthGuard extends AuthGuard('dintero') {
 *   override handleRequest<TUser>(err: unknown, user: unknown, info: unknown, _context: ExecutionContext, status?: unknown): TUser {
 *     return handleAuthResult(err, user, info, status) as TUser
 *   }
 * }
 * ```
 */
export function handleAuthResult<TUser>(err: unknown, user: TUser | false | null | undefined, info?: unknown, status?: unknown): TUser {
  if (err) {
    // A DinteroError keeps its status (statusCode, expose); any other Error is the app's or Passport's.
    if (err instanceof Error) throw err
    throw new Error('Sign-in failed')
  }
  if (user) return user
  const message = isRecord(info) && typeof info['message'] === 'string' ? info['message'] : 'Sign-in was refused'
  const failure: DinteroFailureInfo = isRecord(info) ? { ...(info as object), message } : { message }
  throw new DinteroAuthFailure(failure, firstStatus(status) ?? 401)
}

/** Passport gives one status, or one per strategy tried. */
function firstStatus(status: unknown): number | undefined {
  const value: unknown = Array.isArray(status) ? status.find((s) => typeof s === 'number') : status
  return typeof value === 'number' && value >= 400 && value < 600 ? value : undefined
}
