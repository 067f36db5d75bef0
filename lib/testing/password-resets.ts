/**
 * The password-reset emails the emulator "sent", and the one-time links in them.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';

/** Where the links of reset emails point. Dintero does not document its link; this one is never served. */
export const PASSWORD_RESET_LINK_BASE = 'https://emulator.dintero.invalid/reset-password';

/** A password-reset email the emulator "sent" for `customers/change_password`. */
export interface PasswordResetEmail {
  /** The address it went to, as the customer's account has it. */
  readonly to: string;
  /** The subject line. */
  readonly subject: string;
  /** The text of the email, the link included. */
  readonly text: string;
  /** The link to choose a new password: {@link PASSWORD_RESET_LINK_BASE} with `?token=…`. */
  readonly link: string;
  /** The one-time token in the link, for {@link DinteroEmulator.completePasswordReset}. */
  readonly token: string;
  /** The id of the customer it is for. */
  readonly userId: string;
  /** When it was sent, in milliseconds since the epoch. */
  readonly at: number;
}

/** Emails sent and the tokens still usable. */
export class PasswordResetStore {
  private readonly _emails: PasswordResetEmail[] = [];
  /** Unused tokens, by token: the user they reset. */
  private readonly _open = new Map<string, string>();

  /** Records an email to `to` for the user, with a fresh one-time link. */
  send(to: string, userId: string): PasswordResetEmail {
    const token = randomBytes(24).toString('base64url');
    const link = `${PASSWORD_RESET_LINK_BASE}?token=${token}`;
    const email: PasswordResetEmail = Object.freeze({
      to,
      subject: 'Choose a new password',
      text: `Someone asked to change the password of your account. To choose a new one, open this link:\n${link}\nIf it was not you, ignore this email: your password stays as it is.`,
      link,
      token,
      userId,
      at: Date.now(),
    });
    this._emails.push(email);
    this._open.set(token, userId);
    return email;
  }

  /** Every email sent, oldest first. */
  emails(): PasswordResetEmail[] {
    return [...this._emails];
  }

  /** The last email sent to this address (case-insensitive). */
  last(to: string): PasswordResetEmail | undefined {
    const wanted = to.toLowerCase();
    for (let i = this._emails.length - 1; i >= 0; i -= 1) {
      const email = this._emails[i] as PasswordResetEmail;
      if (email.to.toLowerCase() === wanted) return email;
    }
    return undefined;
  }

  /** Uses up the token (or the link holding it) and returns the user it resets; undefined when unknown or used. */
  redeem(linkOrToken: string): string | undefined {
    let token = linkOrToken;
    try {
      token = new URL(linkOrToken).searchParams.get('token') ?? linkOrToken;
    } catch {
      // a bare token
    }
    const userId = this._open.get(token);
    this._open.delete(token);
    return userId;
  }
}
