/**
 * What the emulator has been asked: per-endpoint counters and a log without bodies or secrets.
 *
 * @module
 */
import type { EmulatorEndpoint } from './endpoint-names.js';

/** One request the emulator received. Holds no body, header or query string. */
export interface EmulatorRequest {
  /** The operation addressed; `'unknown'` for 404/405 answers. */
  readonly endpoint: EmulatorEndpoint | 'unknown';
  /** HTTP method. */
  readonly method: string;
  /** URL path without the query string. */
  readonly path: string;
  /** Status sent; `0` while unanswered or when no answer was sent (hang, destroy, client gone). */
  readonly status: number;
  /** Arrival time, milliseconds since the epoch. */
  readonly at: number;
}

/** Requests kept in the log; counters stay exact past this. */
export const REQUEST_LOG_LIMIT = 10_000;

type MutableRequest = { -readonly [K in keyof EmulatorRequest]: EmulatorRequest[K] };

/** Counters plus the most recent {@link REQUEST_LOG_LIMIT} requests. */
export class RequestLog {
  private _entries: MutableRequest[] = [];
  private readonly _counts = new Map<EmulatorEndpoint | 'unknown', number>();
  private _total = 0;

  /** Records an arrival; set `status` on the returned entry once answered. */
  record(endpoint: EmulatorEndpoint | 'unknown', method: string, path: string): { status: number } {
    const entry: MutableRequest = { endpoint, method, path, status: 0, at: Date.now() };
    this._entries.push(entry);
    if (this._entries.length > REQUEST_LOG_LIMIT) this._entries.shift();
    this._counts.set(endpoint, (this._counts.get(endpoint) ?? 0) + 1);
    this._total += 1;
    return entry;
  }

  /** Requests seen for the endpoint, or in total. */
  count(endpoint?: EmulatorEndpoint | 'unknown'): number {
    return endpoint === undefined ? this._total : (this._counts.get(endpoint) ?? 0);
  }

  /** Copies of the logged requests, oldest first. */
  entries(): EmulatorRequest[] {
    return this._entries.map((entry) => ({ ...entry }));
  }

  /** Forgets everything. */
  reset(): void {
    this._entries = [];
    this._counts.clear();
    this._total = 0;
  }
}
