/**
 * `passport-dintero/testing`: an emulator of Dintero's auth API for tests, examples and
 * benchmarks. It shares no code with the library.
 *
 * @packageDocumentation
 */
export { DinteroEmulator, type RotateKeysOptions } from './emulator.js';
export { EMULATOR_ENDPOINTS, type EmulatorEndpoint } from './endpoint-names.js';
export type { AccessTokenTamper, EmulatorFault } from './faults.js';
export type { EmulatorJwk } from './keys.js';
export type { MfaChannel } from './mfa-sessions.js';
export { PASSWORD_RESET_LINK_BASE, type PasswordResetEmail } from './password-resets.js';
export {
  CREATE_CUSTOMER_SCOPES,
  DEFAULT_CLIENT_SCOPES,
  SCOPE_CREATE_CUSTOMERS,
  SCOPE_LOGIN,
  SCOPE_LOGIN_NO_MFA,
  SCOPE_READ_ACCOUNTS,
  SCOPE_REFRESH_TOKEN,
  type DinteroEmulatorOptions,
  type MfaCodeMessage,
  type UnknownResetStatus,
} from './options.js';
export { MAX_REQUEST_BODY_BYTES } from './request-body.js';
export type { EmulatorRequest } from './request-log.js';
export type { SignTokenOptions } from './sign-token.js';
export type { EmulatorUser, EmulatorUserInput, EmulatorUserType } from './users.js';
