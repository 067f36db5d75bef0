/**
 * MFA state: `mfa_token`s handed out by `customers/mfa_login` (or a 403 `mfa_required`), the
 * out-of-band challenge of each, and the last code "sent" to each ident.
 *
 * @module
 */
import { randomBytes, randomInt } from 'node:crypto';

/** Where a one-time code is "sent". */
export type MfaChannel = 'sms' | 'email';

/** Wrong binding codes a challenge tolerates before it is burnt. */
export const MFA_MAX_ATTEMPTS = 5;

interface Challenge {
  readonly oobCode: string;
  readonly code: string;
  readonly expiresAt: number;
  attempts: number;
}

interface MfaSession {
  readonly userId: string;
  readonly channel: MfaChannel;
  expiresAt: number;
  challenge: Challenge | undefined;
}

/** Why an MFA step was refused; `code` is the Dintero error code to answer with. */
export interface MfaRefusal {
  readonly code: 'invalid_grant' | 'expired_token';
  readonly message: string;
}

/** The state of an `mfa_token`. */
export type MfaSessionState = { readonly userId: string; readonly channel: MfaChannel } | MfaRefusal;

/** Open MFA sessions keyed by `mfa_token`. */
export class MfaSessionStore {
  private readonly _sessions = new Map<string, MfaSession>();
  private readonly _lastCodes = new Map<string, string>();

  /** @param ttlMs lifetime of an `mfa_token` and of each challenge code, in milliseconds. */
  constructor(private readonly ttlMs: number) {}

  /** Opens a session for the user and returns its `mfa_token`. */
  open(userId: string, channel: MfaChannel): string {
    const mfaToken = randomBytes(24).toString('base64url');
    this._sessions.set(mfaToken, { userId, channel, expiresAt: Date.now() + this.ttlMs, challenge: undefined });
    return mfaToken;
  }

  /** The session of an `mfa_token`, or why it cannot be used. */
  state(mfaToken: string): MfaSessionState {
    const session = this._sessions.get(mfaToken);
    if (!session) return { code: 'invalid_grant', message: 'Unknown mfa_token' };
    if (Date.now() >= session.expiresAt) return { code: 'expired_token', message: 'The mfa_token has expired' };
    return { userId: session.userId, channel: session.channel };
  }

  /**
   * Starts a new challenge (replacing, and so invalidating, the previous one) and remembers the
   * code as the last one sent to `ident`. Call {@link state} first: the session must be live.
   */
  challenge(mfaToken: string, ident: string): { oobCode: string; code: string } {
    const session = this._sessions.get(mfaToken);
    if (!session) throw new Error('MfaSessionStore.challenge: unknown mfa_token');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const oobCode = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + this.ttlMs;
    session.challenge = { oobCode, code, expiresAt, attempts: 0 };
    session.expiresAt = Math.max(session.expiresAt, expiresAt);
    this._lastCodes.set(identKey(ident), code);
    return { oobCode, code };
  }

  /**
   * Checks the code the user typed. On success the session is consumed (single use) and the
   * user id returned. After {@link MFA_MAX_ATTEMPTS} wrong codes the challenge is burnt.
   */
  redeem(mfaToken: string, oobCode: string, bindingCode: string): { userId: string } | MfaRefusal {
    const state = this.state(mfaToken);
    if ('code' in state) return state;
    const session = this._sessions.get(mfaToken) as MfaSession;
    const challenge = session.challenge;
    if (!challenge || challenge.oobCode !== oobCode) {
      return { code: 'invalid_grant', message: 'Unknown or superseded oob_code' };
    }
    if (Date.now() >= challenge.expiresAt) return { code: 'expired_token', message: 'The code has expired' };
    if (challenge.code !== bindingCode) {
      challenge.attempts += 1;
      if (challenge.attempts >= MFA_MAX_ATTEMPTS) session.challenge = undefined;
      return { code: 'invalid_grant', message: 'Invalid binding_code' };
    }
    this._sessions.delete(mfaToken);
    return { userId: session.userId };
  }

  /** The last code sent to this email (case-insensitive) or phone. */
  lastCode(ident: string): string | undefined {
    return this._lastCodes.get(identKey(ident));
  }
}

function identKey(ident: string): string {
  return ident.toLowerCase();
}
