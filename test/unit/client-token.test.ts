import { inspect, stripVTControlCharacters } from 'node:util'
import { expect } from 'chai'
import { ClientTokenCache } from '../../lib/client-token.js'
import { captureDebugLogs } from '../support/secrets.js'

function fakeClock(start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('ClientTokenCache', () => {
  it('fetches once and answers from the cache while fresh', async () => {
    const clock = fakeClock()
    let calls = 0
    const cache = new ClientTokenCache(async () => ({ token: `t${++calls}`, expiresIn: 3600 }), clock.now)
    expect((await cache.get()).token).to.equal('t1')
    clock.advance(3_000_000)
    expect((await cache.get()).token).to.equal('t1')
    expect(calls).to.equal(1)
  })

  it('renews shortly before expiry (a tenth of the lifetime, at most a minute)', async () => {
    const clock = fakeClock()
    let calls = 0
    const cache = new ClientTokenCache(async () => ({ token: `t${++calls}`, expiresIn: 100 }), clock.now)
    await cache.get()
    clock.advance(89_000)
    expect((await cache.get()).token).to.equal('t1')
    clock.advance(1_000)
    expect((await cache.get()).token).to.equal('t2')
    const long = new ClientTokenCache(async () => ({ token: `l${++calls}`, expiresIn: 14400 }), clock.now)
    const first = await long.get()
    expect(first.renewAt - first.fetchedAt).to.equal(14_400_000 - 60_000)
  })

  it('shares one fetch among concurrent callers', async () => {
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const cache = new ClientTokenCache(async () => {
      calls++
      await gate
      return { token: 'shared', expiresIn: 3600 }
    })
    const all = Promise.all(Array.from({ length: 50 }, () => cache.get()))
    release()
    const tokens = await all
    expect(calls).to.equal(1)
    expect(new Set(tokens.map((t) => t.token))).to.deep.equal(new Set(['shared']))
  })

  it('does not cache a failure', async () => {
    let calls = 0
    const cache = new ClientTokenCache(async () => {
      if (++calls === 1) throw new Error('down')
      return { token: 'ok', expiresIn: 3600 }
    })
    let failed = false
    await cache.get().catch(() => (failed = true))
    expect(failed).to.equal(true)
    expect((await cache.get()).token).to.equal('ok')
  })

  it('renews after a refusal, once for many refused callers, at most once per 5 s', async () => {
    const clock = fakeClock()
    let calls = 0
    const cache = new ClientTokenCache(async () => ({ token: `t${++calls}`, expiresIn: 3600 }), clock.now)
    const a = await cache.get()
    const renewed = await Promise.all(Array.from({ length: 10 }, () => cache.renewAfterRefusal(a.token)))
    expect(renewed.map((t) => t?.token)).to.deep.equal(Array(10).fill('t2'))
    expect(calls).to.equal(2)
    // A caller still holding t1 gets t2 without a fetch.
    expect((await cache.renewAfterRefusal(a.token))?.token).to.equal('t2')
    // t2 refused within 5 s of the last forced renewal: no renewal.
    clock.advance(4_000)
    expect(await cache.renewAfterRefusal('t2')).to.equal(undefined)
    expect((await cache.get()).token).to.equal('t2')
    clock.advance(1_000)
    expect((await cache.renewAfterRefusal('t2'))?.token).to.equal('t3')
    expect(calls).to.equal(3)
  })

  it('keeps the cached token out of util.inspect and JSON dumps of the cache', async () => {
    const cache = new ClientTokenCache(async () => ({ token: 'client-token-value', expiresIn: 3600 }))
    const { token } = await cache.get()
    expect(token).to.equal('client-token-value')
    expect(inspect(cache, { depth: 10 })).not.to.contain('client-token-value')
    expect(inspect(cache, { depth: 10, showHidden: true })).not.to.contain('client-token-value')
    expect(JSON.stringify(cache)).not.to.contain('client-token-value')
  })

  it('keeps the fetch in flight out of dumps too: a dump taken mid-fetch shows no pending promise', async () => {
    let answer!: (t: { token: string; expiresIn: number }) => void
    const cache = new ClientTokenCache(() => new Promise((resolve) => (answer = resolve)))
    const pending = cache.get()
    expect(inspect(cache, { depth: 10, showHidden: true })).not.to.contain('Promise')
    answer({ token: 'client-token-value', expiresIn: 3600 })
    expect((await pending).token).to.equal('client-token-value')
  })

  it('logs when it fetched a token and when it will renew it, and a refused renewal, without the token', async () => {
    const clock = fakeClock()
    let calls = 0
    const cache = new ClientTokenCache(async () => ({ token: `secret-t${++calls}`, expiresIn: 100 }), clock.now)
    const logs = captureDebugLogs()
    try {
      const first = await cache.get()
      await cache.renewAfterRefusal(first.token)
      await cache.renewAfterRefusal('secret-t2')
    } finally {
      logs.stop()
    }
    // The message after the namespace, with or without debug's colours and +Nms suffix (on a TTY).
    const lines = logs.lines.map((line) =>
      stripVTControlCharacters(line)
        .replace(/^.*?passport-dintero:client-token /, '')
        .replace(/ \+\d+m?s$/, ''),
    )
    // 100 s lifetime, renewed a tenth early: in 90 s.
    expect(lines).to.deep.equal([
      'client token fetched; renewed in 90s',
      'Dintero refused the client token; renewing it',
      'client token fetched; renewed in 90s',
      'Dintero refused the client token; renewed too recently to renew again',
    ])
    expect(logs.lines.join('\n')).not.to.contain('secret-t')
  })
})
