/**
 * The emulator's options, their defaults, and their validation.
 *
 * @module
 */
import type { MfaChannel } from './mfa-sessions.js';
import type { PasswordResetEmail } from './password-resets.js';
import type { EmulatorUserInput } from './users.js';

/** Scope that lets a client log customers in with a password (MFA enforced). */
export const SCOPE_LOGIN = 'write:accounts:/auth/users';
/** Scope that lets a client log customers in with a password, bypassing MFA. */
export const SCOPE_LOGIN_NO_MFA = 'write:accounts:/auth/users/no-mfa';
/** Scope that lets a client read the account's signing keys. */
export const SCOPE_READ_ACCOUNTS = 'read:accounts';
/** Scope without which logins return no `refresh_token`. */
export const SCOPE_REFRESH_TOKEN = 'create:accounts:auth:refresh_token';

/** Scope that lets a client create customers (`customers/users`; with a password it also needs {@link SCOPE_LOGIN}). */
export const SCOPE_CREATE_CUSTOMERS = 'create:customers:/users';
/** Every scope `customers/users` accepts for creating a customer. */
export const CREATE_CUSTOMER_SCOPES: readonly string[] = Object.freeze(['admin:customers', 'write:customers', SCOPE_CREATE_CUSTOMERS]);

/** Scopes of the emulated client unless `clientScopes` says otherwise. */
export const DEFAULT_CLIENT_SCOPES: readonly string[] = Object.freeze([
  SCOPE_LOGIN,
  SCOPE_READ_ACCOUNTS,
  SCOPE_REFRESH_TOKEN,
  SCOPE_CREATE_CUSTOMERS,
]);

/**
 * What `customers/change_password` answers for an address without an account. Dintero does not say:
 * `204` as for a known one, or `400`, `401`, `403` or `404` (`NOT FOUND`, as its login does). Its login
 * answers 400/401/403/404 for refused customers, so each is a possible reading here too.
 */
export type UnknownResetStatus = 204 | 400 | 401 | 403 | 404;

/** A one-time code the emulator "sent". */
export interface MfaCodeMessage {
  /** The email address or phone number it went to. */
  readonly ident: string;
  /** `'sms'` for phone numbers, `'email'` for email addresses. */
  readonly channel: MfaChannel;
  /** The 6-digit code. */
  readonly code: string;
}

/** Options of {@link DinteroEmulator}. Every field is optional. */
export interface DinteroEmulatorOptions {
  /** The account id in every path (`^[PT]\d{8}$`). Default is `'T12345678'`. */
  accountId?: string;
  /** Client id of the one emulated API client. Default is `'emulator-client'`. */
  clientId?: string;
  /** Its client secret. Default is `'emulator-secret'`. */
  clientSecret?: string;
  /**
   * Scopes of client tokens. Default is {@link DEFAULT_CLIENT_SCOPES}:
   * `write:accounts:/auth/users`, `read:accounts`, `create:accounts:auth:refresh_token`, `create:customers:/users`.
   * Without `create:accounts:auth:refresh_token` logins return no refresh token; with
   * `write:accounts:/auth/users/no-mfa` MFA users can use `customers/login`.
   */
  clientScopes?: string[];
  /**
   * The audience requests must send and tokens carry.
   * Default is `` `${baseUrl}/v1/accounts/${accountId}` ``, known once {@link DinteroEmulator.start} resolves.
   */
  audience?: string;
  /** `iss` claim of every token. Default is `` `https://${accountId}@api.dintero.com` ``. */
  issuer?: string;
  /** Lifetime of customer access tokens, in seconds (fractions allowed). Default is `86400` (one day). */
  accessTokenTtl?: number;
  /** Lifetime of client tokens, in seconds (fractions allowed). Default is `14400` (four hours). */
  clientTokenTtl?: number;
  /** Delay added before every response, in milliseconds. Default is `0`. */
  latencyMs?: number;
  /**
   * The refresh grant returns a new `refresh_token` and invalidates the old one.
   * Default is `false` (the same refresh token keeps working, none is returned).
   */
  rotateRefreshTokens?: boolean;
  /** Interface to listen on. Default is `'127.0.0.1'`. */
  host?: string;
  /** Port to listen on; `0` picks a free one. Default is `0`. */
  port?: number;
  /** Users created up front. Default is none. */
  users?: EmulatorUserInput[];
  /**
   * `grant_type` values accepted for the MFA code grant; any other answers 400 `unsupported_grant_type`.
   * Dintero's prose docs spell it `mfa-oob`, an older client `mfa_oob` (unknown which is current):
   * `['mfa_oob']` or `['mfa-oob']` emulates each reading. Default is `['mfa-oob', 'mfa_oob']`.
   */
  mfaGrantTypes?: string[];
  /**
   * How `customers/login` refuses a customer who must use MFA (unknown in Dintero's docs, which say the
   * `mfa_token` comes "as part of" an `mfa_required` error):
   * - `'top'`: `{"error":{"code":"mfa_required",…},"mfa_token":"…"}`;
   * - `'nested'`: `{"error":{"code":"mfa_required",…,"mfa_token":"…"}}`;
   * - `'none'`: `{"error":{"code":"mfa_required",…}}` and no token: the sign-in must be opened through
   *   `customers/mfa_login`.
   * Default is `'top'`.
   */
  mfaRequired?: 'top' | 'nested' | 'none';
  /** The status of that `mfa_required` refusal (4xx). Default is `403`. */
  mfaRequiredStatus?: number;
  /**
   * Status of a wrong password at `customers/login` and `customers/mfa_login` (unknown: 401 and 403 are
   * documented). Default is `401` (`unauthorized`).
   */
  wrongPasswordStatus?: number;
  /** Status of an unknown customer at `customers/login` and `customers/mfa_login`. Default is `404` (`NOT FOUND`). */
  unknownUserStatus?: number;
  /**
   * Shape of the `GET /auth/keys` answer: `'array'`, the bare JSON array Dintero's reference shows, or
   * `'object'`, a JWKS `{"keys":[…]}`. Default is `'array'`.
   */
  keySetShape?: 'array' | 'object';
  /** Leave `expires_in` out of every token answer (client and customer tokens). Default is `false`. */
  omitExpiresIn?: boolean;
  /** Leave `oob_channel` out of the `customers/mfa_login` answer (documented as optional). Default is `false`. */
  omitOobChannel?: boolean;
  /**
   * The `aud` claim of customer access tokens: `'string'` (the audience) or `'array'` (the audience and a
   * second, foreign one). Client tokens always carry a string. Default is `'string'`.
   */
  audShape?: 'string' | 'array';
  /**
   * Bodies of error answers (status 400 and up): `'json'`, Dintero's documented
   * `{"error":{"code","message"}}`, or `'html'`, an HTML page with the same status and headers, as a proxy
   * in front of Dintero would send. Faults armed with {@link DinteroEmulator.fault} are not affected.
   * Default is `'json'`.
   */
  errorBodies?: 'json' | 'html';
  /**
   * Claims added to every customer access token (after a user's own `claims`; never `iss`, `sub`, `aud`,
   * `iat`, `exp` or `jti`), e.g. the `ext_`-prefixed custom claims of Dintero's ID token example.
   * Default is none.
   */
  extraClaims?: Record<string, unknown>;
  /** Lifetime of an `mfa_token` and of each MFA code, in seconds (fractions allowed). Default is `300` (five minutes). */
  mfaCodeTtl?: number;
  /** Called with every code "sent" by `auth/mfa/challenge`. Default is none. */
  onMfaCode?: (message: MfaCodeMessage) => void;
  /** Called with every password-reset email "sent" by `customers/change_password`. Default is none. */
  onPasswordResetEmail?: (email: PasswordResetEmail) => void;
  /** The answer of `customers/change_password` for an address without an account. Default is `404`. */
  unknownResetStatus?: UnknownResetStatus;
}

/** Options with defaults filled in (except `audience`, which needs the port). */
export interface ResolvedOptions {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientScopes: readonly string[];
  readonly audience: string | undefined;
  readonly issuer: string;
  readonly accessTokenTtl: number;
  readonly clientTokenTtl: number;
  readonly latencyMs: number;
  readonly rotateRefreshTokens: boolean;
  readonly host: string;
  readonly port: number;
  readonly users: readonly EmulatorUserInput[];
  readonly mfaGrantTypes: readonly string[];
  readonly mfaRequired: 'top' | 'nested' | 'none';
  readonly mfaRequiredStatus: number;
  readonly wrongPasswordStatus: number;
  readonly unknownUserStatus: number;
  readonly keySetShape: 'array' | 'object';
  readonly omitExpiresIn: boolean;
  readonly omitOobChannel: boolean;
  readonly audShape: 'string' | 'array';
  readonly errorBodies: 'json' | 'html';
  readonly extraClaims: Readonly<Record<string, unknown>>;
  readonly mfaCodeTtl: number;
  readonly onMfaCode: ((message: MfaCodeMessage) => void) | undefined;
  readonly onPasswordResetEmail: ((email: PasswordResetEmail) => void) | undefined;
  readonly unknownResetStatus: UnknownResetStatus;
}

/** Fills defaults in and throws `TypeError` naming the first bad option. */
export function resolveOptions(options: DinteroEmulatorOptions = {}): ResolvedOptions {
  const accountId = options.accountId ?? 'T12345678';
  if (typeof accountId !== 'string' || !/^[PT]\d{8}$/.test(accountId)) {
    throw new TypeError(`DinteroEmulator: accountId must match ^[PT]\\d{8}$, got ${String(accountId)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('DinteroEmulator: port must be an integer from 0 to 65535');
  }
  return {
    accountId,
    clientId: nonEmpty('clientId', options.clientId ?? 'emulator-client'),
    clientSecret: nonEmpty('clientSecret', options.clientSecret ?? 'emulator-secret'),
    clientScopes: stringList('clientScopes', options.clientScopes ?? DEFAULT_CLIENT_SCOPES),
    audience: options.audience === undefined ? undefined : nonEmpty('audience', options.audience),
    issuer: nonEmpty('issuer', options.issuer ?? `https://${accountId}@api.dintero.com`),
    accessTokenTtl: positive('accessTokenTtl', options.accessTokenTtl ?? 86_400),
    clientTokenTtl: positive('clientTokenTtl', options.clientTokenTtl ?? 14_400),
    latencyMs: nonNegative('latencyMs', options.latencyMs ?? 0),
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    host: nonEmpty('host', options.host ?? '127.0.0.1'),
    port,
    users: options.users ?? [],
    mfaGrantTypes: stringList('mfaGrantTypes', options.mfaGrantTypes ?? ['mfa-oob', 'mfa_oob']),
    mfaRequired: oneOf('mfaRequired', options.mfaRequired ?? 'top', ['top', 'nested', 'none'] as const),
    mfaRequiredStatus: clientErrorStatus('mfaRequiredStatus', options.mfaRequiredStatus ?? 403),
    wrongPasswordStatus: clientErrorStatus('wrongPasswordStatus', options.wrongPasswordStatus ?? 401),
    unknownUserStatus: clientErrorStatus('unknownUserStatus', options.unknownUserStatus ?? 404),
    keySetShape: oneOf('keySetShape', options.keySetShape ?? 'array', ['array', 'object'] as const),
    omitExpiresIn: flag('omitExpiresIn', options.omitExpiresIn ?? false),
    omitOobChannel: flag('omitOobChannel', options.omitOobChannel ?? false),
    audShape: oneOf('audShape', options.audShape ?? 'string', ['string', 'array'] as const),
    errorBodies: oneOf('errorBodies', options.errorBodies ?? 'json', ['json', 'html'] as const),
    extraClaims: claims('extraClaims', options.extraClaims ?? {}),
    mfaCodeTtl: positive('mfaCodeTtl', options.mfaCodeTtl ?? 300),
    onMfaCode: options.onMfaCode,
    onPasswordResetEmail: options.onPasswordResetEmail,
    unknownResetStatus: oneOf('unknownResetStatus', options.unknownResetStatus ?? 404, [204, 400, 401, 403, 404] as const),
  };
}

function clientErrorStatus(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 400 || (value as number) > 499) {
    throw new TypeError(`DinteroEmulator: ${name} must be an HTTP status from 400 to 499`);
  }
  return value as number;
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`DinteroEmulator: ${name} must be a boolean`);
  return value;
}

function claims(name: string, value: unknown): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`DinteroEmulator: ${name} must be an object`);
  return Object.freeze({ ...(value as Record<string, unknown>) });
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`DinteroEmulator: ${name} must be a non-empty string`);
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`DinteroEmulator: ${name} must be a positive number of seconds`);
  }
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`DinteroEmulator: ${name} must be a non-negative number`);
  }
  return value;
}

function stringList(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`DinteroEmulator: ${name} must be an array of strings`);
  }
  return Object.freeze([...value]);
}

function oneOf<T>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new TypeError(`DinteroEmulator: ${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}
