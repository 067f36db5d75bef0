/**
 * The expiry guard: what lets {@link deserializeUser} refuse a session whose access token has expired
 * and that nothing refreshed, while still giving `refreshTokens(strategy)` its chance first.
 *
 * - Each strategy registers its `audience` and `clockTolerance` when constructed; `refreshTokens(strategy)`
 *   registers that it exists for that audience when created (mount it app-wide, as documented).
 * - `refreshTokens` mounted BEFORE `passport.session()` refreshes the stored user first and marks the
 *   request, so the deserializer then sees fresh tokens; if they are still expired, nothing more will
 *   refresh them in this request and the user is dropped.
 * - `refreshTokens` mounted AFTER `passport.session()`: the deserializer keeps an expired user that has a
 *   refresh token (only when a refreshTokens middleware exists for the token's audience), and
 *   refreshTokens then refreshes it or signs it out before the route runs.
 * - No `refreshTokens` at all: an expired user (beyond the clock tolerance) is not signed in.
 *
 * @packageDocumentation
 * @internal
 */

interface AudienceGuard {
  /** Milliseconds. */
  clockToleranceMs: number
  /** A refreshTokens middleware was created for a strategy of this audience. */
  refreshes: boolean
}

/** Used for a token whose audience no strategy of this process registered: the strategy's default. */
const DEFAULT_TOLERANCE_MS = 30_000

const byAudience = new Map<string, AudienceGuard>()
const refreshedHere = new WeakSet<object>()

/** Called by the strategy's constructor. Seconds. @internal */
export function registerAudience(audience: string, clockToleranceSeconds: number): void {
  const known = byAudience.get(audience)
  byAudience.set(audience, { clockToleranceMs: clockToleranceSeconds * 1000, refreshes: known?.refreshes ?? false })
}

/** Called when a refreshTokens middleware is created for a strategy of `audience`. @internal */
export function registerRefresher(audience: string, clockToleranceSeconds: number): void {
  const known = byAudience.get(audience)
  byAudience.set(audience, { clockToleranceMs: known?.clockToleranceMs ?? clockToleranceSeconds * 1000, refreshes: true })
}

/** Called by refreshTokens when it ran on a request before any user was deserialized (mounted before passport.session()). @internal */
export function markRefreshedBeforeSession(req: object): void {
  refreshedHere.add(req)
}

function guardOf(aud: unknown): AudienceGuard | undefined {
  const members = Array.isArray(aud) ? aud : [aud]
  for (const member of members) {
    if (typeof member !== 'string') continue
    const guard = byAudience.get(member)
    if (guard) return guard
  }
  return undefined
}

/**
 * True when a restored user must not be signed in: its access token expired more than the clock
 * tolerance ago, and no refreshTokens middleware will still see it in this request. @internal
 */
export function isStale(aud: unknown, expiresAt: number, hasRefreshToken: boolean, req: object | undefined, now = Date.now()): boolean {
  const guard = guardOf(aud)
  if (expiresAt + (guard?.clockToleranceMs ?? DEFAULT_TOLERANCE_MS) > now) return false
  if (!hasRefreshToken || !guard?.refreshes) return true
  // refreshTokens exists: it still runs after passport.session() unless it already ran before it.
  return req !== undefined && refreshedHere.has(req)
}
