/**
 * A response as data, Dintero's error shape, and writing a reply to the wire.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from './jwt.js';

/** A response the emulator is about to send. */
export interface Reply {
  readonly status: number;
  readonly body: JsonObject | readonly unknown[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Set when `body.access_token` is a token just issued; the claims it was signed with. */
  readonly issuedClaims?: JsonObject;
}

/** One entry of `error.errors` on a 400. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A 200 JSON reply. */
export function ok(body: JsonObject | readonly unknown[], issuedClaims?: JsonObject): Reply {
  return issuedClaims ? { status: 200, body, issuedClaims } : { status: 200, body };
}

/** A 204 reply: no body. */
export function noContent(): Reply {
  return { status: 204, body: {} };
}

/** Dintero's error shape: `{"error":{"code","message","errors"?}}` plus top-level `extra`. */
export function errorReply(
  status: number,
  code: string,
  message: string,
  options: { errors?: readonly FieldError[]; extra?: JsonObject; headers?: Record<string, string> } = {},
): Reply {
  const error: JsonObject = { code, message };
  if (options.errors) error['errors'] = options.errors;
  const reply: Reply = { status, body: { error, ...options.extra } };
  return options.headers ? { ...reply, headers: options.headers } : reply;
}

/** A 400 listing what is wrong with the request body. */
export function invalidBody(errors: readonly FieldError[]): Reply {
  return errorReply(400, 'bad_request', 'Invalid request body', { errors });
}

/** The error code the emulator uses for a bare status. */
export function codeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'NOT FOUND',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
    500: 'internal_server_error',
    502: 'bad_gateway',
    503: 'service_unavailable',
    504: 'gateway_timeout',
  };
  return codes[status] ?? (status >= 500 ? 'internal_server_error' : 'error');
}

/** Writes a reply as `application/json` with a `Content-Length`. */
export function writeReply(res: ServerResponse, reply: Reply, extraHeaders?: Readonly<Record<string, string>>): void {
  if (reply.status === 204) {
    // No Content means no body, and no Content-Type for one.
    res.writeHead(204, { 'Cache-Control': 'no-store', ...reply.headers, ...extraHeaders });
    res.end();
    return;
  }
  writeRaw(res, reply.status, JSON.stringify(reply.body), 'application/json', { ...reply.headers, ...extraHeaders });
}

/** Writes a complete response with this body text. */
export function writeRaw(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
    // Token responses must never be cached (RFC 6749 §5.1); harmless on the rest.
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(payload);
}
