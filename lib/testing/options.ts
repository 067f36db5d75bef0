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
  /** `grant_type` values accepted for the MFA code grant. Default is `['mfa-oob', 'mfa_oob']`. */
  mfaGrantTypes?: string[];
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
    mfaCodeTtl: positive('mfaCodeTtl', options.mfaCodeTtl ?? 300),
    onMfaCode: options.onMfaCode,
    onPasswordResetEmail: options.onPasswordResetEmail,
    unknownResetStatus: oneOf('unknownResetStatus', options.unknownResetStatus ?? 404, [204, 400, 401, 403, 404] as const),
  };
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
