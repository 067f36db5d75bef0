/**
 * Signing arbitrary tokens with the emulator's keys, including the malformed and malicious
 * ones attack tests need.
 *
 * @module
 */
import { encodeJwt, hs256Signer, noneSigner, rs256Signer, type JsonObject, type Signer } from './jwt.js';
import type { KeySet } from './keys.js';

/** Options of {@link DinteroEmulator.signToken}. */
export interface SignTokenOptions {
  /**
   * The `kid` header; `null` omits it. When it names a key of the set and `key` is
   * `'current'`, that key signs (so tests can sign with a retained previous key).
   * Default is the current kid.
   */
  kid?: string | null;
  /**
   * `'RS256'` signs with an RSA key; `'HS256'` with an HMAC secret; `'none'` leaves the
   * signature empty. Default is `'RS256'`.
   */
  alg?: 'RS256' | 'HS256' | 'none';
  /**
   * RS256 key: `'current'` (the set's current key, or the key `kid` names) or `'foreign'`
   * (a key that is never in the set). Default is `'current'`.
   */
  key?: 'current' | 'foreign';
  /**
   * HS256 secret. Default is the current public key's SPKI PEM: the classic RS256/HS256
   * key-confusion attack.
   */
  hmacSecret?: string | Buffer;
  /** Extra header fields; they override `alg`, `typ` and `kid`. Default is none. */
  header?: object;
}

/** Signs `payload` as-is (no claims are added) according to `options`. */
export function signToken(keys: KeySet, payload: object, options: SignTokenOptions = {}): string {
  const { kid = keys.current.kid, alg = 'RS256', key = 'current', hmacSecret, header: extraHeader = {} } = options;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('DinteroEmulator.signToken requires a payload object');
  }
  const header: JsonObject = { alg, typ: 'JWT', ...(kid === null ? {} : { kid }), ...extraHeader };
  return encodeJwt(header, { ...payload }, signerFor(keys, alg, key, kid, hmacSecret));
}

function signerFor(
  keys: KeySet,
  alg: 'RS256' | 'HS256' | 'none',
  key: 'current' | 'foreign',
  kid: string | null,
  hmacSecret: string | Buffer | undefined,
): Signer {
  switch (alg) {
    case 'none':
      return noneSigner;
    case 'HS256':
      return hs256Signer(hmacSecret ?? keys.current.publicKey.export({ type: 'spki', format: 'pem' }));
    case 'RS256': {
      const signingKey = key === 'foreign' ? keys.foreign() : ((kid !== null && keys.find(kid)) || keys.current);
      return rs256Signer(signingKey.privateKey);
    }
    default:
      throw new TypeError(`DinteroEmulator.signToken: unsupported alg ${String(alg)}`);
  }
}
