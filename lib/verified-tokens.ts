/**
 * Tokens Dintero issued, verified and shaped into {@link DinteroTokens}: the one path a login and a
 * refresh both take, so a refreshed access token is checked exactly as a signed-in one was.
 *
 * @packageDocumentation
 */
import type { DinteroClient, IssuedTokens } from './dintero-client.js'
import { refreshTokenToKeep } from './dintero-readings.js'
import { TokenVerificationError } from './errors.js'
import { decodePayload } from './jwt-rs256.js'
import type { DinteroTokens } from './session.js'
import type { DinteroClaims, TokenVerifier } from './token-verifier.js'

/** A customer's tokens with the verified claims of their access token. */
export interface VerifiedTokens {
  /** The tokens, ready to store with the signed-in user. */
  tokens: DinteroTokens
  /** The verified payload of `tokens.accessToken`. */
  claims: DinteroClaims
}

/**
 * Verifies the access token Dintero issued and builds the tokens to keep. `keptRefreshToken` is used
 * when Dintero returned no refresh token (a refresh that does not rotate it). @internal
 */
export async function verifyIssued(
  verifier: TokenVerifier,
  issued: IssuedTokens,
  keptRefreshToken?: string,
): Promise<VerifiedTokens> {
  const claims = await verifier.verify(issued.accessToken)
  const refreshToken = refreshTokenToKeep(issued.refreshToken, keptRefreshToken)
  const tokens: DinteroTokens = {
    accessToken: issued.accessToken,
    tokenType: issued.tokenType,
    expiresAt: claims.exp * 1000,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  }
  return { tokens, claims }
}

/**
 * Exchanges `tokens.refreshToken` at Dintero and verifies the new access token. Rejects with
 * `RefreshRejectedError` when Dintero refuses the refresh token, `TokenVerificationError` when the new
 * access token fails verification or belongs to another customer, other `DinteroError`s when Dintero
 * cannot be reached, and `TypeError` when `tokens` has no refresh token. @internal
 */
export async function refreshVerified(
  client: DinteroClient,
  verifier: TokenVerifier,
  tokens: DinteroTokens,
): Promise<VerifiedTokens> {
  const refreshToken = tokens?.refreshToken
  if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
    throw new TypeError('DinteroPasswordStrategy.refresh: tokens has no refreshToken')
  }
  const fresh = await verifyIssued(verifier, await client.refresh(refreshToken), refreshToken)
  assertSameCustomer(tokens.accessToken, fresh)
  return fresh
}

/**
 * Throws {@link TokenVerificationError} unless `verified` belongs to the customer of `previousAccessToken`.
 * The old access token was verified when it was issued and has stayed server-side; its `sub` names the
 * customer. New tokens must never switch a session to someone else, and tokens whose customer cannot be
 * told are refused too. @internal
 */
export function assertSameCustomer(previousAccessToken: string, verified: VerifiedTokens): void {
  const previousSub = decodePayload(previousAccessToken)?.['sub']
  if (typeof previousSub !== 'string' || previousSub !== verified.claims.sub) {
    throw new TokenVerificationError('New access token belongs to another customer than the old one, or the old one names none')
  }
}
