/**
 * Tampering with the access token of a successful response (`omitAccessToken` and
 * `accessToken` faults).
 *
 * @module
 */
import type { DinteroEmulator } from './emulator.js';
import type { AccessTokenTamper, EmulatorFault } from './faults.js';
import { encodeSegment, isJsonObject, type JsonObject } from './jwt.js';
import type { KeySet } from './keys.js';
import type { Reply } from './reply.js';
import { signToken } from './sign-token.js';

const HOUR_S = 3600;

/** The reply with the fault's token tampering applied; unchanged when nothing applies. */
export function applyTokenFault(reply: Reply, fault: EmulatorFault | undefined, keys: KeySet, emu: DinteroEmulator): Reply {
  if (!fault || reply.status !== 200 || !isJsonObject(reply.body) || !('access_token' in reply.body)) return reply;
  if (fault.omitAccessToken) {
    const { access_token: _omitted, ...rest } = reply.body;
    return { ...reply, body: rest };
  }
  if (fault.accessToken !== undefined && reply.issuedClaims) {
    const token = tamperedToken(fault.accessToken, reply.issuedClaims, keys, emu);
    return { ...reply, body: { ...reply.body, access_token: token } };
  }
  return reply;
}

/** A token made from the real token's claims the way `tamper` says. */
export function tamperedToken(tamper: AccessTokenTamper, claims: JsonObject, keys: KeySet, emu: DinteroEmulator): string {
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'alg-none':
      return signToken(keys, claims, { alg: 'none' });
    case 'hs256-public-key':
      return signToken(keys, claims, { alg: 'HS256' });
    case 'wrong-key':
      return signToken(keys, claims, { key: 'foreign' });
    case 'no-kid':
      return signToken(keys, claims, { kid: null });
    case 'unknown-kid':
      // The current key signs, so only a verifier that honours `kid` refuses it.
      return signToken(keys, claims, { kid: `unknown-${keys.current.kid.slice(0, 8)}` });
    case 'payload-altered': {
      const [header, , signature] = signToken(keys, claims).split('.');
      return `${header}.${encodeSegment({ ...claims, sub: 'attacker' })}.${signature}`;
    }
    case 'expired':
      return signToken(keys, { ...claims, iat: now - 2 * HOUR_S, exp: now - HOUR_S });
    case 'nbf-future':
      return signToken(keys, { ...claims, nbf: now + HOUR_S });
    case 'no-exp': {
      const { exp: _omitted, ...rest } = claims;
      return signToken(keys, rest);
    }
    case 'wrong-aud':
      return signToken(keys, { ...claims, aud: 'https://api.dintero.com/v1/accounts/T99999999' });
    case 'wrong-iss':
      return signToken(keys, { ...claims, iss: 'https://evil.example' });
    case 'huge':
      return signToken(keys, { ...claims, padding: 'x'.repeat(750_000) });
    default:
      if (typeof tamper === 'function') return tamper({ ...claims }, emu);
      throw new TypeError(`DinteroEmulator.fault: unknown accessToken tamper ${String(tamper)}`);
  }
}
