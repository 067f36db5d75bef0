/**
 * `DinteroEmulator`: a real HTTP server on loopback that follows Dintero's documented auth API,
 * with the hooks tests need (users, key rotation, faults, counters, token crafting).
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointContext } from './endpoints/context.js';
import { EMULATOR_ENDPOINTS, type EmulatorEndpoint } from './endpoint-names.js';
import { writeFaultResponse } from './fault-responses.js';
import { FaultTable, type EmulatorFault } from './faults.js';
import { KeySet } from './keys.js';
import { MfaSessionStore } from './mfa-sessions.js';
import { resolveOptions, type DinteroEmulatorOptions, type MfaCodeMessage, type ResolvedOptions } from './options.js';
import { PasswordResetStore, type PasswordResetEmail } from './password-resets.js';
import { PendingTimers } from './pending-timers.js';
import { RefreshTokenStore } from './refresh-tokens.js';
import { readJsonBody, type BodyResult } from './request-body.js';
import { RequestLog, type EmulatorRequest } from './request-log.js';
import { errorReply, writeRaw, writeReply } from './reply.js';
import { HANDLERS, matchRoute, pathOf, tokenEndpoint } from './routes.js';
import { signToken, type SignTokenOptions } from './sign-token.js';
import { applyTokenFault } from './tamper.js';
import { UserStore, type EmulatorUser, type EmulatorUserInput } from './users.js';

/** Options of {@link DinteroEmulator.rotateKeys}. */
export interface RotateKeysOptions {
  /**
   * Keep the earlier keys in the key set (tokens signed with them keep verifying) while new
   * tokens are signed with the new key. Default is `true`.
   */
  retainPrevious?: boolean;
}

/**
 * An emulated Dintero account (auth API only) on a real HTTP server, for tests, examples and
 * benchmarks. It implements Dintero's documented contract independently of the library.
 *
 * Client tokens are checked like Dintero does it: a token this emulator signed with a key
 * that is still in the set, for this client, audience and issuer, not expired. So rotating
 * keys with `retainPrevious: false` also invalidates outstanding client tokens.
 *
 * @example
 * ```ts
 * import { DinteroEmulator } from 'passport-dintero/testing';
 *
 * const emu = new DinteroEmulator({ users: [{ email: 'ada@example.com', password: 'correct horse' }] });
 * await emu.start();
 * // point the strategy at emu.baseUrl, emu.accountId, emu.clientId, emu.clientSecret, emu.audience
 * emu.fault('login', { status: 503, times: 1 });
 * await emu.stop();
 * ```
 */
export class DinteroEmulator {
  private readonly _options: ResolvedOptions;
  private readonly _keys = new KeySet();
  private readonly _users = new UserStore();
  private readonly _refreshTokens = new RefreshTokenStore();
  private readonly _mfa: MfaSessionStore;
  private readonly _faults = new FaultTable();
  private readonly _log = new RequestLog();
  private readonly _timers = new PendingTimers();
  private readonly _passwordResets = new PasswordResetStore();
  private _server: Server | undefined;
  private _context: EndpointContext | undefined;
  private _baseUrl: string | undefined;
  private _starting: Promise<string> | undefined;
  private _stopping: Promise<void> | undefined;

  /** Generates the first signing key and adds `options.users`; throws `TypeError` on bad options. */
  constructor(options: DinteroEmulatorOptions = {}) {
    this._options = resolveOptions(options);
    this._mfa = new MfaSessionStore(this._options.mfaCodeTtl * 1000);
    for (const user of this._options.users) this.addUser(user);
  }

  /** Starts listening; resolves to {@link baseUrl}. Calling it again returns the same promise. */
  start(): Promise<string> {
    if (this._stopping) return Promise.reject(new Error('DinteroEmulator cannot start again after stop(); create a new one'));
    this._starting ??= this._listen();
    return this._starting;
  }

  /**
   * Stops the server and destroys every open socket, so hanging and trickling responses never
   * block shutdown; cancels pending delays. Safe to call twice, or before `start()`.
   */
  stop(): Promise<void> {
    this._stopping ??= this._close();
    return this._stopping;
  }

  /** `http://host:port`, no trailing slash. Throws before `start()` resolves. */
  get baseUrl(): string {
    return this._started().baseUrl;
  }

  /** The account id in every path. */
  get accountId(): string {
    return this._options.accountId;
  }

  /** The audience requests must send and tokens carry. Without the `audience` option it throws before `start()` resolves. */
  get audience(): string {
    return this._options.audience ?? this._started().audience;
  }

  /** The `iss` claim of every token. */
  get issuer(): string {
    return this._options.issuer;
  }

  /** The emulated client's id. */
  get clientId(): string {
    return this._options.clientId;
  }

  /** The emulated client's secret. */
  get clientSecret(): string {
    return this._options.clientSecret;
  }

  /** Kids of the key set served by `/auth/keys`, current first. */
  get kids(): string[] {
    return this._keys.kids;
  }

  /** Kid of the key new tokens are signed with. */
  get currentKid(): string {
    return this._keys.current.kid;
  }

  /** The most recent 10 000 requests, oldest first (copies; no bodies, headers or secrets). */
  get requests(): EmulatorRequest[] {
    return this._log.entries();
  }

  /** Adds a user (see {@link EmulatorUserInput}); throws on bad input or a duplicate id or ident. */
  addUser(user: EmulatorUserInput): EmulatorUser {
    return this._users.add(user);
  }

  /** Sets the password of the user with this id, or of every user with this email or phone. Throws when none matches. */
  setPassword(identOrId: string, newPassword: string): void {
    this._users.setPassword(identOrId, newPassword);
  }

  /** Makes a new RSA key current and returns its kid. */
  rotateKeys(options: RotateKeysOptions = {}): string {
    return this._keys.rotate(options.retainPrevious ?? true);
  }

  /**
   * How many requests the emulator has seen for `endpoint` (404/405s count as `'unknown'`), or in total
   * without an argument; faulted requests count too. The names ({@link EmulatorEndpoint}):
   * `'client_token'`, `'login'`, `'keys'`, `'refresh'`, `'revoke'`, `'mfa_login'`, `'mfa_challenge'`,
   * `'mfa_token'`, `'change_password'`, `'create_customer'`, or `'unknown'`. Returns a number.
   */
  count(endpoint?: EmulatorEndpoint | 'unknown'): number {
    return this._log.count(endpoint);
  }

  /** Zeroes the counters and empties {@link requests}. */
  resetCounts(): void {
    this._log.reset();
  }

  /** Arms a fault for the endpoint, replacing the one armed there. See {@link EmulatorFault}. */
  fault(endpoint: EmulatorEndpoint, fault: EmulatorFault): void {
    if (!EMULATOR_ENDPOINTS.includes(endpoint)) throw new TypeError(`DinteroEmulator.fault: unknown endpoint ${String(endpoint)}`);
    this._faults.set(endpoint, fault);
  }

  /** Disarms the endpoint's fault, or every fault. */
  clearFaults(endpoint?: EmulatorEndpoint): void {
    this._faults.clear(endpoint);
  }

  /**
   * Signs `payload` exactly as given (no claims added), for attack tests. Default is RS256 with
   * the current key and kid. See {@link SignTokenOptions}.
   */
  signToken(payload: object, options?: SignTokenOptions): string {
    return signToken(this._keys, payload, options);
  }

  /** SPKI PEM of the key with this kid (default the current key). Throws for a kid not in the set. */
  publicKeyPem(kid?: string): string {
    const key = kid === undefined ? this._keys.current : this._keys.find(kid);
    if (!key) throw new Error(`DinteroEmulator.publicKeyPem: no key ${kid}`);
    return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The last MFA code sent to this email (case-insensitive) or phone. */
  lastMfaCode(ident: string): string | undefined {
    return this._mfa.lastCode(ident);
  }

  /** Every password-reset email `customers/change_password` "sent", oldest first. */
  get passwordResetEmails(): PasswordResetEmail[] {
    return this._passwordResets.emails();
  }

  /** The last password-reset email sent to this address (case-insensitive). */
  lastPasswordReset(email: string): PasswordResetEmail | undefined {
    return this._passwordResets.last(email);
  }

  /**
   * Does what the customer does with the emailed link: sets `newPassword` (4 to 255 characters) for the
   * customer the link (or its token) was sent for. Each link works once; throws for an unknown or used one.
   */
  completePasswordReset(linkOrToken: string, newPassword: string): void {
    if (typeof newPassword !== 'string' || newPassword.length < 4 || newPassword.length > 255) {
      throw new TypeError('DinteroEmulator.completePasswordReset: the new password must be 4 to 255 characters');
    }
    const userId = this._passwordResets.redeem(linkOrToken);
    if (userId === undefined) throw new Error('DinteroEmulator.completePasswordReset: unknown or already used link');
    this._users.setPassword(userId, newPassword);
  }

  /** Revokes a refresh token as `/auth/revoke` would. */
  revokeRefreshToken(token: string): void {
    this._refreshTokens.revoke(token);
  }

  /** Revokes every refresh token of the user, or every refresh token. */
  revokeAllRefreshTokens(userId?: string): void {
    this._refreshTokens.revokeAll(userId);
  }

  /**
   * The NUMBER (not a list) of refresh tokens the refresh grant would still accept: the user's (by id),
   * or all users'. Shows a token nobody kept (a rotated one a sign-out raced with) that was never
   * revoked. Same as {@link activeRefreshTokenCount}.
   */
  activeRefreshTokens(userId?: string): number {
    return this._refreshTokens.count(userId);
  }

  /** How many refresh tokens the refresh grant would still accept: the user's (by id), or all users'. A number. */
  activeRefreshTokenCount(userId?: string): number {
    return this.activeRefreshTokens(userId);
  }

  /** True while the refresh token would be accepted by the refresh grant. */
  isRefreshTokenActive(token: string): boolean {
    return this._refreshTokens.isActive(token);
  }

  private _started(): { baseUrl: string; audience: string } {
    if (!this._context || this._baseUrl === undefined) throw new Error('DinteroEmulator is not started: await emu.start() first');
    return { baseUrl: this._baseUrl, audience: this._context.audience };
  }

  private _listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this._onRequest(req, res));
      server.once('error', reject);
      server.listen(this._options.port, this._options.host, () => {
        server.off('error', reject);
        this._server = server;
        const port = (server.address() as AddressInfo).port;
        const baseUrl = `http://${urlHost(this._options.host)}:${port}`;
        this._baseUrl = baseUrl;
        this._context = {
          options: this._options,
          audience: this._options.audience ?? `${baseUrl}/v1/accounts/${this._options.accountId}`,
          keys: this._keys,
          users: this._users,
          refreshTokens: this._refreshTokens,
          mfa: this._mfa,
          sendMfaCode: (message: MfaCodeMessage) => this._options.onMfaCode?.(message),
          passwordResets: this._passwordResets,
          sendPasswordResetEmail: (email: PasswordResetEmail) => this._options.onPasswordResetEmail?.(email),
        };
        resolve(baseUrl);
      });
    });
  }

  private async _close(): Promise<void> {
    await this._starting?.catch(() => undefined);
    const server = this._server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    this._timers.cancelAll();
    await closed;
  }

  private async _onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this._handle(req, res);
    } catch {
      if (!res.headersSent && !res.destroyed) writeReply(res, errorReply(500, 'internal_server_error', 'Emulator error'));
      else res.destroy();
    }
  }

  private async _handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = this._context;
    const method = req.method ?? 'GET';
    const path = pathOf(req.url);
    const route = matchRoute(method, path, this._options.accountId);
    const body: BodyResult =
      route.kind === 'route' && route.method === 'POST' ? await readJsonBody(req) : { kind: 'json', value: {} };
    const endpoint =
      route.kind === 'miss'
        ? 'unknown'
        : route.operation === 'token'
          ? tokenEndpoint(body.kind === 'json' ? body.value : undefined, this._options.mfaGrantTypes)
          : route.operation;
    // Counted before any fault applies, so a faulted request still counts.
    const entry = this._log.record(endpoint, method, path);
    if (body.kind === 'aborted') return;
    const fault = endpoint === 'unknown' ? undefined : this._faults.take(endpoint);
    try {
      if (!context) return writeReply(res, errorReply(503, 'service_unavailable', 'Emulator is starting'));
      if (this._options.latencyMs > 0) await this._timers.sleep(this._options.latencyMs);
      if (fault?.delayMs) await this._timers.sleep(fault.delayMs);
      if (res.destroyed || this._stopping) return;
      if (fault && writeFaultResponse(res, fault, this._timers)) return;
      const reply =
        route.kind === 'miss'
          ? route.reply
          : body.kind === 'error'
            ? body.reply
            : HANDLERS[endpoint as EmulatorEndpoint](context, { authorization: req.headers.authorization, body: body.value });
      const answer = applyTokenFault(reply, fault, this._keys, this);
      if (fault?.answerDelayMs) {
        await this._timers.sleep(fault.answerDelayMs);
        if (res.destroyed || this._stopping) return;
      }
      if (this._options.errorBodies === 'html' && answer.status >= 400) {
        writeRaw(res, answer.status, htmlErrorPage(answer.status), 'text/html; charset=utf-8', { ...answer.headers, ...fault?.headers });
      } else writeReply(res, answer, fault?.headers);
    } finally {
      if (res.headersSent) entry.status = res.statusCode;
    }
  }
}

// What a proxy in front of Dintero answers an error with (option errorBodies: 'html'): the status, no JSON.
function htmlErrorPage(status: number): string {
  return `<!DOCTYPE html>\n<html><head><title>${status}</title></head><body><h1>Error ${status}</h1></body></html>\n`;
}

// The host part of a URL that reaches `host`: wildcard addresses map to loopback, IPv6 gets brackets.
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
