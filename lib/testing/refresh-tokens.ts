/**
 * Issued refresh tokens: opaque random strings that stay valid until revoked or rotated out.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';

/** What a live refresh token was issued for. */
export interface RefreshGrant {
  readonly userId: string;
  readonly clientId: string;
}

/** Live refresh tokens. A token that is not in the store is refused. */
export class RefreshTokenStore {
  private readonly _live = new Map<string, RefreshGrant>();

  /** Issues a new refresh token for the user and client. */
  issue(userId: string, clientId: string): string {
    const token = randomBytes(32).toString('base64url');
    this._live.set(token, { userId, clientId });
    return token;
  }

  /** The grant of a live token. */
  lookup(token: string): RefreshGrant | undefined {
    return this._live.get(token);
  }

  /** True while the token is live. */
  isActive(token: string): boolean {
    return this._live.has(token);
  }

  /** Revokes one token; returns whether it was live. */
  revoke(token: string): boolean {
    return this._live.delete(token);
  }

  /** How many tokens are live: the user's, or all without `userId`. */
  count(userId?: string): number {
    let n = 0;
    for (const grant of this._live.values()) if (userId === undefined || grant.userId === userId) n++;
    return n;
  }

  /** Revokes every token of the user, or every token at all without `userId`. */
  revokeAll(userId?: string): void {
    for (const [token, grant] of this._live) {
      if (userId === undefined || grant.userId === userId) this._live.delete(token);
    }
  }
}
