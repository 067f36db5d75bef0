/**
 * Writing the broken responses faults ask for: hangs, trickles, HTML, oversized bodies,
 * redirects, cut sockets, arbitrary statuses.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { EmulatorFault } from './faults.js';
import type { PendingTimers } from './pending-timers.js';
import { codeForStatus, errorReply, writeRaw, writeReply } from './reply.js';

const TRICKLE_INTERVAL_MS = 100;
const CHUNK_BYTES = 16 * 1024;

const PROXY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/**
 * Answers the request the way the fault says, if it replaces the response at all.
 * Returns `false` when the fault only decorates a normal answer (`delayMs`, `answerDelayMs`, `headers`,
 * `omitAccessToken`, `accessToken`).
 */
export function writeFaultResponse(res: ServerResponse, fault: EmulatorFault, timers: PendingTimers): boolean {
  const headers = fault.headers ?? {};
  if (fault.destroy) {
    res.socket?.destroy();
  } else if (fault.hang) {
    // Nothing: the socket stays open until the client gives up or the emulator stops.
  } else if (fault.redirectTo !== undefined) {
    const status = fault.status !== undefined && fault.status >= 300 && fault.status < 400 ? fault.status : 302;
    writeRaw(res, status, '{}', 'application/json', { Location: fault.redirectTo, ...headers });
  } else if (fault.slowBody) {
    trickle(res, fault.status ?? 200, headers, timers);
  } else if (fault.nonJson) {
    writeRaw(res, fault.status ?? 200, PROXY_PAGE, 'text/html', headers);
  } else if (fault.bodyBytes !== undefined) {
    streamBytes(res, fault.status ?? 200, Math.floor(fault.bodyBytes), headers);
  } else if (fault.status !== undefined || fault.body !== undefined || fault.retryAfter !== undefined) {
    const status = fault.status ?? (fault.retryAfter !== undefined ? 429 : 200);
    const allHeaders = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter), ...headers } : headers;
    if (typeof fault.body === 'string') writeRaw(res, status, fault.body, 'application/json', allHeaders);
    else if (fault.body !== undefined) writeRaw(res, status, JSON.stringify(fault.body), 'application/json', allHeaders);
    else writeReply(res, errorReply(status, codeForStatus(status), `Emulated ${status} fault`), allHeaders);
  } else {
    return false;
  }
  return true;
}

function trickle(res: ServerResponse, status: number, headers: Record<string, string>, timers: PendingTimers): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.write('{"access_token":"');
  const stop = timers.every(TRICKLE_INTERVAL_MS, () => {
    if (!res.destroyed) res.write('e');
  });
  res.once('close', stop);
}

function streamBytes(res: ServerResponse, status: number, total: number, headers: Record<string, string>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  // A valid JSON document of exactly `total` bytes (truncated when `total` is tiny).
  const prefix = '{"access_token":"';
  const suffix = '"}';
  const fill = Math.max(0, total - prefix.length - suffix.length);
  const head = Buffer.from(prefix).subarray(0, total);
  let sentFill = 0;
  let headSent = false;
  const pump = (): void => {
    while (!res.destroyed) {
      let chunk: Buffer;
      if (!headSent) {
        headSent = true;
        chunk = head;
      } else if (sentFill < fill) {
        const size = Math.min(CHUNK_BYTES, fill - sentFill);
        sentFill += size;
        chunk = Buffer.alloc(size, 0x61);
      } else {
        res.end(total >= prefix.length + suffix.length ? suffix : '');
        return;
      }
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
