/**
 * The emulated account's signing key set: RSA 2048 keys, rotation, and the JWK export that
 * `GET /auth/keys` serves.
 *
 * @module
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** One entry of the bare JSON array `GET /v1/accounts/{aid}/auth/keys` returns. */
export interface EmulatorJwk {
  /** Always `'RS256'`. */
  readonly alg: 'RS256';
  /** Always `'RSA'`. */
  readonly kty: 'RSA';
  /** Always `'sig'`. */
  readonly use: 'sig';
  /** Base64url modulus. */
  readonly n: string;
  /** Base64url public exponent, `'AQAB'`. */
  readonly e: string;
  /** Key id, the same value as the `kid` header of tokens signed with this key. */
  readonly kid: string;
}

/** An RSA key pair with its key id. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: EmulatorJwk;
}

/** Generates an RSA 2048 key pair; its `kid` is the RFC 7638 JWK thumbprint. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') {
    throw new Error('DinteroEmulator: RSA public key export has no n/e');
  }
  // RFC 7638: SHA-256 over the required members in lexicographic order.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, privateKey, publicKey, jwk: { alg: 'RS256', kty: 'RSA', use: 'sig', n, e, kid } };
}

/** The account's key set. The first key is the current one: new tokens are signed with it. */
export class KeySet {
  private _keys: SigningKey[] = [generateSigningKey()];
  private _foreign: SigningKey | undefined;

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this._keys[0] as SigningKey;
  }

  /** Kids of every key in the set, current first. */
  get kids(): string[] {
    return this._keys.map((key) => key.kid);
  }

  /** The key with this kid, if it is in the set. */
  find(kid: string): SigningKey | undefined {
    return this._keys.find((key) => key.kid === kid);
  }

  /**
   * Makes a fresh key current and returns its kid. With `retainPrevious`, every earlier key stays
   * in the set (tokens signed with them keep verifying); without, the set is the new key alone.
   */
  rotate(retainPrevious: boolean): string {
    const next = generateSigningKey();
    this._keys = retainPrevious ? [next, ...this._keys] : [next];
    return next.kid;
  }

  /** A key that is never in the set (generated once, on first use), for wrong-key attacks. */
  foreign(): SigningKey {
    this._foreign ??= generateSigningKey();
    return this._foreign;
  }

  /** The public JWKs of the set, current first. */
  jwks(): EmulatorJwk[] {
    return this._keys.map((key) => key.jwk);
  }
}
