/**
 * The session store for `npm start`: Redis when `REDIS_URL` is set (shared by every instance behind a
 * load balancer), otherwise express-session's memory store, which is for development only. The rate
 * limits count in the same Redis, over the same connection, so they hold across instances too.
 */
import { RedisStore } from 'connect-redis'
import type { Store as RateLimitStore } from 'express-rate-limit'
import type { Store } from 'express-session'
import { RedisStore as RateLimitRedisStore, type RedisReply } from 'rate-limit-redis'
import { createClient } from 'redis'

/** An opened session store and how to let go of it. */
export interface OpenedStore {
  /** The store for createApp; undefined means express-session's MemoryStore. */
  store: Store | undefined
  /** For createApp's `rateLimitStore`: rate-limit-redis over the same connection; undefined means memory. */
  rateLimitStore: ((name: string) => RateLimitStore) | undefined
  /** What the server prints about it: never the URL, which may hold a password. */
  description: string
  /** Closes the connection (nothing to do for the memory store). */
  close(): Promise<void>
}

/** Shown when no `REDIS_URL` is set. */
export const MEMORY_STORE_WARNING =
  'REDIS_URL is not set: sessions and rate limits live in this process\'s memory (development only: lost on restart, not shared between instances, never freed early)'

/** Connects to Redis at `redisUrl` (e.g. `redis://localhost:6379`), or falls back to the memory store. */
export async function openSessionStore(redisUrl: string | undefined, warn: (line: string) => void = console.warn): Promise<OpenedStore> {
  if (redisUrl === undefined) {
    warn(MEMORY_STORE_WARNING)
    return { store: undefined, rateLimitStore: undefined, description: 'memory (development only)', close: () => Promise.resolve() }
  }
  const client = createClient({ url: redisUrl })
  // Without a listener, a dropped connection would be an uncaught 'error' event; the client reconnects.
  client.on('error', (err: Error) => console.error(`Redis: ${err.message}`))
  await client.connect()
  return {
    store: new RedisStore({ client, prefix: 'passport-dintero-example:sess:' }),
    rateLimitStore: (name) =>
      new RateLimitRedisStore({
        sendCommand: (...args: string[]) => client.sendCommand<RedisReply>(args),
        prefix: `passport-dintero-example:rl:${name}:`,
      }),
    description: 'Redis',
    close: async () => {
      await client.close()
    },
  }
}
