/**
 * Reading a request body: JSON object only, 64 KB cap.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { isJsonObject, type JsonObject } from './jwt.js';
import { errorReply, type Reply } from './reply.js';

/** Largest request body accepted, in bytes (64 KB). Larger bodies get 413. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

// Past the cap the rest is read and dropped so the client still sees the 413; past this much
// more the socket is cut instead.
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** A parsed body, or the error reply to send instead; `aborted` when the client went away. */
export type BodyResult =
  | { readonly kind: 'json'; readonly value: JsonObject }
  | { readonly kind: 'error'; readonly reply: Reply }
  | { readonly kind: 'aborted' };

/** Reads the whole body and parses it as a JSON object. Never rejects. */
export function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) req.socket.destroy();
    });
    req.on('end', () => settle(parse(req, size, Buffer.concat(chunks))));
    req.on('close', () => settle({ kind: 'aborted' }));
    req.on('error', () => settle({ kind: 'aborted' }));
  });
}

function parse(req: IncomingMessage, size: number, raw: Buffer): BodyResult {
  if (size > MAX_REQUEST_BODY_BYTES) {
    return error(errorReply(413, 'payload_too_large', `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`));
  }
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    return error(errorReply(415, 'unsupported_media_type', 'Content-Type must be application/json'));
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return error(errorReply(400, 'bad_request', 'Malformed JSON body'));
  }
  if (!isJsonObject(value)) return error(errorReply(400, 'bad_request', 'Request body must be a JSON object'));
  return { kind: 'json', value };
}

function error(reply: Reply): BodyResult {
  return { kind: 'error', reply };
}
