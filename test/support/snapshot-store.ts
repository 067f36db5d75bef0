/**
 * An asynchronous in-memory express-session store (every answer on a later turn of the event loop, as
 * a networked store's) that can hand one request an earlier copy of a session: what that request sees
 * when it loaded the session just before another request or instance stored newer data. Lets tests
 * drive the refresh middleware's "the store changed since this request loaded the session" paths
 * deterministically, without real races.
 */
import session from 'express-session'

type Callback = (err?: any, value?: any) => void

export class SnapshotStore extends session.Store {
  readonly inner = new session.MemoryStore()
  private readonly staged = new Map<string, session.SessionData>()

  override get(sid: string, callback: Callback): void {
    const staged = this.staged.get(sid)
    if (staged) {
      this.staged.delete(sid)
      setImmediate(() => callback(null, structuredClone(staged)))
      return
    }
    this.inner.get(sid, (err, data) => setImmediate(() => callback(err, data)))
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.inner.set(sid, data, (err) => setImmediate(() => callback?.(err)))
  }

  override destroy(sid: string, callback?: Callback): void {
    this.inner.destroy(sid, (err) => setImmediate(() => callback?.(err)))
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.inner.touch(sid, data, () => setImmediate(() => callback?.()))
  }

  override all(callback: Callback): void {
    this.inner.all((err, all) => setImmediate(() => callback(err, all)))
  }

  /** The one session id the store holds (fails unless there is exactly one). */
  async onlyId(): Promise<string> {
    const ids = Object.keys(await new Promise<Record<string, unknown>>((resolve, reject) => this.all((err, all) => (err ? reject(err) : resolve(all ?? {})))))
    if (ids.length !== 1) throw new Error(`expected one session in the store, found ${ids.length}`)
    return ids[0]!
  }

  /** A copy of what the store holds under `sid` now. */
  read(sid: string): Promise<any> {
    return new Promise((resolve, reject) => this.inner.get(sid, (err, data) => (err ? reject(err) : resolve(data ? structuredClone(data) : data))))
  }

  /** Replaces what the store holds under `sid` (a tampered or foreign session, as a test needs it). */
  write(sid: string, data: unknown): Promise<void> {
    return new Promise((resolve, reject) => this.inner.set(sid, data as session.SessionData, (err) => (err ? reject(err) : resolve())))
  }

  /** The next `get` of `sid` answers `data` (an earlier copy) instead of what the store holds. */
  serveNextGet(sid: string, data: unknown): void {
    this.staged.set(sid, structuredClone(data) as session.SessionData)
  }
}
