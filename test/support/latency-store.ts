/**
 * An express-session store with a Redis-like latency: a MemoryStore behind 1–4 ms per call, so
 * requests of one session interleave with each other's store calls as they do in production.
 */
import session from 'express-session'

type Callback = (err?: any, value?: any) => void

export class LatencyStore extends session.Store {
  readonly inner = new session.MemoryStore()

  constructor(
    private readonly minMs = 1,
    private readonly maxMs = 4,
  ) {
    super()
  }

  /** Half the latency to reach the store, the other half for the answer to come back. */
  private twoWay(call: (done: Callback) => void, callback?: Callback): void {
    const leg = () => (this.minMs + Math.random() * (this.maxMs - this.minMs)) / 2
    setTimeout(() => call((err, value) => setTimeout(() => callback?.(err, value), leg())), leg())
  }

  override get(sid: string, callback: Callback): void {
    this.twoWay((done) => this.inner.get(sid, done), callback)
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.twoWay((done) => this.inner.set(sid, data, done), callback)
  }

  override destroy(sid: string, callback?: Callback): void {
    this.twoWay((done) => this.inner.destroy(sid, done), callback)
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.twoWay((done) => this.inner.touch(sid, data, done), callback)
  }
}
