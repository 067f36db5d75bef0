/**
 * passport-dintero: sign users in to an Express app with their Dintero customer account.
 *
 * @packageDocumentation
 */
export {
  DinteroPasswordStrategy,
  type VerifyDone,
  type VerifyFunction,
  type VerifyFunctionWithRequest,
  type VerifyResult,
} from './strategy.js'
export type { DinteroFailureInfo } from './sign-in.js'
export type {
  DinteroMfaMode,
  DinteroStrategyOptions,
  DinteroStrategyOptionsBase,
  DinteroStrategyOptionsWithRequest,
  DinteroUserType,
} from './options.js'
export type { DinteroMfaPending, DinteroMfaResendResult } from './mfa.js'
export type { DinteroCreateCustomerResult, DinteroNewCustomer, DinteroPasswordResetResult } from './customers.js'
export {
  type DeserializeDone,
  type DinteroTokens,
  type DinteroUser,
  deserializeUser,
  isDinteroTokens,
  isDinteroUser,
  serializeUser,
} from './session.js'
export { refreshTokens, type RefreshTokensOptions } from './refresh.js'
export { logout, type LogoutOptions } from './logout.js'
export { DinteroAuthFailure, handleAuthResult } from './auth-result.js'
export type { HostRequest } from './session-access.js'
export type { VerifiedTokens } from './verified-tokens.js'
export type { DinteroClaims } from './token-verifier.js'
export {
  ClientAuthenticationError,
  DinteroError,
  type DinteroErrorCode,
  type DinteroErrorOptions,
  InvalidCredentialsError,
  MfaCodeRejectedError,
  MfaExpiredError,
  MfaRequiredError,
  RateLimitedError,
  RefreshRejectedError,
  TokenVerificationError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './errors.js'
