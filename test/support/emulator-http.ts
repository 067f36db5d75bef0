/**
 * Raw HTTP helpers for the emulator's own tests: real `fetch` calls against a running
 * `DinteroEmulator`, and an independent RS256 check against the keys it serves.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import type { DinteroEmulator } from '../../lib/testing/index.js';

/** A decoded JSON body; tests index into it freely. */
export type Json = Record<string, any>;

/** What a call returned. */
export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: Json | undefined;
}

/** Options of {@link call}. */
export interface CallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** The full `Authorization` header value. */
  readonly authorization?: string;
  /** An object is sent as JSON; a string raw. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  readonly redirect?: 'follow' | 'manual' | 'error';
}

/** Calls `/v1/accounts/{aid}/{path}` (or an absolute path starting with `/`). */
export async function call(emu: DinteroEmulator, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = path.startsWith('/') ? `${emu.baseUrl}${path}` : `${emu.baseUrl}/v1/accounts/${emu.accountId}/${path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.redirect ? { redirect: options.redirect } : {}),
  });
  const text = await response.text();
  let json: Json | undefined;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `Authorization: Basic` for the emulator's client (or other credentials). */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** A fresh client token from the emulator, as `Bearer …`. */
export async function clientBearer(emu: DinteroEmulator): Promise<string> {
  const result = await call(emu, 'auth/token', {
    authorization: basic(emu.clientId, emu.clientSecret),
    body: { grant_type: 'client_credentials', audience: emu.audience },
  });
  if (result.status !== 200 || typeof result.json?.['access_token'] !== 'string') {
    throw new Error(`client token request failed: ${result.status} ${result.text}`);
  }
  return `Bearer ${result.json['access_token']}`;
}

/** `POST customers/login` with a fresh client token. */
export async function login(emu: DinteroEmulator, body: Json, authorization?: string): Promise<CallResult> {
  return call(emu, 'customers/login', {
    authorization: authorization ?? (await clientBearer(emu)),
    body: { audience: emu.audience, type: 'customer', ...body },
  });
}

/** The decoded header and payload of a JWT (no verification). */
export function decode(token: string): { header: Json; payload: Json } {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined): Json => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Json;
  return { header: parse(header), payload: parse(payload) };
}

/**
 * Checks a token the way a strict verifier would, against the JWKs the emulator serves:
 * RS256 only, `kid` must select a served key, the signature must verify. Returns why not,
 * or `'valid'`. Claims are not checked.
 */
export function checkSignature(token: string, jwks: readonly Json[]): string {
  const parts = token.split('.');
  if (parts.length !== 3) return 'malformed';
  const { header } = decode(token);
  if (header['alg'] !== 'RS256') return `alg ${String(header['alg'])}`;
  if (typeof header['kid'] !== 'string') return 'no kid';
  const jwk = jwks.find((key) => key['kid'] === header['kid']);
  if (!jwk) return 'unknown kid';
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2] ?? '', 'base64url'));
  return ok ? 'valid' : 'bad signature';
}

/** The served key set. */
export async function fetchJwks(emu: DinteroEmulator): Promise<Json[]> {
  const result = await call(emu, 'auth/keys', { authorization: await clientBearer(emu) });
  if (result.status !== 200 || !Array.isArray(result.json)) throw new Error(`keys request failed: ${result.status}`);
  return result.json as Json[];
}
