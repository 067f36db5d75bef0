/**
 * The names the emulator counts requests and applies faults under.
 *
 * @module
 */

/**
 * An emulated operation:
 * - `'client_token'`: `POST /auth/token` with `grant_type: client_credentials` (and any
 *   `/auth/token` request whose grant type is missing, unknown or unreadable)
 * - `'refresh'`: `POST /auth/token` with `grant_type: refresh_token`
 * - `'mfa_token'`: `POST /auth/token` with an MFA grant type (`mfaGrantTypes` option)
 * - `'login'`: `POST /customers/login`
 * - `'keys'`: `GET /auth/keys`
 * - `'revoke'`: `POST /auth/revoke`
 * - `'mfa_login'`: `POST /customers/mfa_login`
 * - `'mfa_challenge'`: `POST /auth/mfa/challenge`
 * - `'change_password'`: `POST /customers/change_password` (the password-reset email)
 * - `'create_customer'`: `POST /customers/users`
 */
export type EmulatorEndpoint =
  | 'client_token'
  | 'login'
  | 'keys'
  | 'refresh'
  | 'revoke'
  | 'mfa_login'
  | 'mfa_challenge'
  | 'mfa_token'
  | 'change_password'
  | 'create_customer';

/** Every {@link EmulatorEndpoint}, in a stable order. */
export const EMULATOR_ENDPOINTS: readonly EmulatorEndpoint[] = Object.freeze([
  'client_token',
  'login',
  'keys',
  'refresh',
  'revoke',
  'mfa_login',
  'mfa_challenge',
  'mfa_token',
  'change_password',
  'create_customer',
]);
