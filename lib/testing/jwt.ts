/**
 * Compact JWS encoding, signing and verification with `node:crypto` only.
 *
 * The emulator deliberately does not use `jsonwebtoken`: it must be
 * an independent implementation so that a bug shared by both sides cannot hide.
 *
 * @module
 */
import { createHmac, sign, verify, type KeyObject } from 'node:crypto';

/** A JOSE header or JWT claims set. */
export type JsonObject = Record<string, unknown>;

/** Computes the third segment of a JWS from its signing input (`header.payload`). */
export type Signer = (signingInput: string) => string;

/** Base64url of the UTF-8 JSON of `value`. */
export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Builds `header.payload.signature`. */
export function encodeJwt(header: JsonObject, payload: JsonObject, signer: Signer): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${signingInput}.${signer(signingInput)}`;
}

/** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signer for an RSA private key. */
export function rs256Signer(privateKey: KeyObject): Signer {
  return (input) => sign('sha256', Buffer.from(input, 'utf8'), privateKey).toString('base64url');
}

/** HS256 (HMAC SHA-256) signer for a shared secret. */
export function hs256Signer(secret: string | Buffer): Signer {
  return (input) => createHmac('sha256', secret).update(input, 'utf8').digest('base64url');
}

/** The "signer" of an unsecured JWS (`alg: none`): an empty signature segment. */
export const noneSigner: Signer = () => '';

/** A JWT split into its parts. Nothing in it is trusted yet. */
export interface DecodedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Splits and parses a compact JWS; `undefined` when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseSegment(headerPart);
  const payload = parseSegment(payloadPart);
  if (!header || !payload) return undefined;
  return {
    header,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/**
 * Verifies an RS256 token against the key its `kid` names and returns its claims, or
 * `undefined` for anything else: another `alg` (no `none`, no HMAC), a missing or unknown
 * `kid`, or a bad signature. Claim checks (`exp`, `aud`, …) are the caller's job.
 */
export function verifyRs256(
  token: string,
  keyForKid: (kid: string) => KeyObject | undefined,
): JsonObject | undefined {
  const decoded = decodeJwt(token);
  if (!decoded) return undefined;
  const { header, payload, signingInput, signature } = decoded;
  // Only RS256 is ever accepted: this is what stops alg-none and HS256 key-confusion tokens.
  if (header['alg'] !== 'RS256' || typeof header['kid'] !== 'string') return undefined;
  const key = keyForKid(header['kid']);
  if (!key) return undefined;
  const valid = verify('sha256', Buffer.from(signingInput, 'utf8'), key, signature);
  return valid ? payload : undefined;
}

function parseSegment(segment: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
