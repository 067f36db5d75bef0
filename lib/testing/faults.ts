/**
 * Fault injection: what can go wrong, and which faults are armed for which endpoint.
 *
 * @module
 */
import type { DinteroEmulator } from './emulator.js';
import type { EmulatorEndpoint } from './endpoint-names.js';

/**
 * How to tamper with the access token a successful `login`, `refresh`, `mfa_token` (or
 * `client_token`) response carries:
 * - `'alg-none'`: header `alg: none`, empty signature
 * - `'hs256-public-key'`: HS256 with the current public key PEM as the secret (key confusion)
 * - `'wrong-key'`: RS256 with a key outside the set, under the current `kid`
 * - `'no-kid'`: correctly signed, no `kid` header
 * - `'unknown-kid'`: signed with the current key, `kid` not in the set
 * - `'payload-altered'`: correctly signed, then the payload swapped (`sub: 'attacker'`)
 * - `'expired'`: correctly signed, `exp` an hour ago
 * - `'nbf-future'`: correctly signed, `nbf` an hour ahead
 * - `'no-exp'`: correctly signed, no `exp`
 * - `'wrong-aud'`: correctly signed, `aud` of another account
 * - `'wrong-iss'`: correctly signed, `iss` `https://evil.example`
 * - `'huge'`: correctly signed, padded to about 1 MB
 * - a function: returns the token to send, given the claims the real token had
 */
export type AccessTokenTamper =
  | 'alg-none'
  | 'hs256-public-key'
  | 'wrong-key'
  | 'no-kid'
  | 'unknown-kid'
  | 'payload-altered'
  | 'expired'
  | 'nbf-future'
  | 'no-exp'
  | 'wrong-aud'
  | 'wrong-iss'
  | 'huge'
  | ((claims: Record<string, unknown>, emu: DinteroEmulator) => string);

/**
 * A misbehaviour armed with {@link DinteroEmulator.fault}. Fields combine; when several
 * response-replacing fields are set the first of `destroy`, `hang`, `redirectTo`,
 * `slowBody`, `nonJson`, `bodyBytes`, `status`/`body`/`retryAfter` wins.
 */
export interface EmulatorFault {
  /**
   * Answer this status with Dintero's error shape (or `body`). With `redirectTo`,
   * `slowBody`, `nonJson` or `bodyBytes`, the status those answer with.
   * Default is `429` when only `retryAfter` is set, else `200` for the fields above.
   */
  status?: number;
  /** Response body: an object is sent as JSON, a string raw (as `application/json`). */
  body?: unknown;
  /** Headers added to (or overriding those of) the response, faulted or normal. */
  headers?: Record<string, string>;
  /** Sets `Retry-After` to this many seconds; alone, answers 429. */
  retryAfter?: number;
  /** Waits this many milliseconds first, then answers normally unless other fields say else. */
  delayMs?: number;
  /**
   * Does the work at once (a refresh token rotated, a code checked) but sends the answer this many
   * milliseconds later: the emulator's state has changed while the caller still waits.
   */
  answerDelayMs?: number;
  /** Reads the request and never answers. */
  hang?: boolean;
  /** Sends 200 headers and a JSON body that trickles (one byte per 100 ms) and never ends. */
  slowBody?: boolean;
  /** Answers an HTML proxy error page as `text/html` (status 200 unless `status`). */
  nonJson?: boolean;
  /** Answers a JSON-looking body of exactly this many bytes, chunked, no `Content-Length`. */
  bodyBytes?: number;
  /** Redirects here: 302 unless `status` is another 3xx (e.g. 307). */
  redirectTo?: string;
  /** Destroys the socket without answering. */
  destroy?: boolean;
  /** Answers the normal 200 body without `access_token`. */
  omitAccessToken?: boolean;
  /** Replaces the access token of a successful response (see {@link AccessTokenTamper}). */
  accessToken?: AccessTokenTamper;
  /** Applies to the next `times` requests of the endpoint. Default is every request until cleared. */
  times?: number;
}

interface ArmedFault {
  readonly fault: EmulatorFault;
  remaining: number;
}

/** The armed fault of each endpoint. */
export class FaultTable {
  private readonly _armed = new Map<EmulatorEndpoint, ArmedFault>();

  /** Arms `fault` for the endpoint, replacing any fault armed there. */
  set(endpoint: EmulatorEndpoint, fault: EmulatorFault): void {
    validateFault(fault);
    this._armed.set(endpoint, { fault: { ...fault }, remaining: fault.times ?? Infinity });
  }

  /** Disarms the endpoint's fault, or every fault. */
  clear(endpoint?: EmulatorEndpoint): void {
    if (endpoint === undefined) this._armed.clear();
    else this._armed.delete(endpoint);
  }

  /** The fault for this request of the endpoint, using up one of its `times`. */
  take(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const armed = this._armed.get(endpoint);
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this._armed.delete(endpoint);
    return armed.fault;
  }
}

function validateFault(fault: EmulatorFault): void {
  if (typeof fault !== 'object' || fault === null) throw new TypeError('DinteroEmulator.fault requires a fault object');
  const { times, status, bodyBytes, delayMs, answerDelayMs, retryAfter } = fault;
  if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
    throw new TypeError('DinteroEmulator.fault: times must be a positive integer');
  }
  if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
    throw new TypeError('DinteroEmulator.fault: status must be an integer from 200 to 599');
  }
  for (const [name, value] of [['bodyBytes', bodyBytes], ['delayMs', delayMs], ['answerDelayMs', answerDelayMs], ['retryAfter', retryAfter]] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new TypeError(`DinteroEmulator.fault: ${name} must be a non-negative number`);
    }
  }
}
