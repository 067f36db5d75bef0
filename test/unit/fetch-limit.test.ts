import { expect } from 'chai'
import { limitFetches } from '../../lib/fetch-limit.js'

describe('limitFetches', () => {
  let clock: number
  let calls: number
  let release: Array<() => void>
  const fetch = () =>
    new Promise<number>((resolve) => {
      calls++
      release.push(() => resolve(calls))
    })
  const refuse = () => new Error('refused')
  const settle = async (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.message)

  beforeEach(() => {
    clock = 0
    calls = 0
    release = []
  })

  it('callers during a fetch in flight share it', async () => {
    const limited = limitFetches(fetch, 10, refuse, () => clock)
    const all = Array.from({ length: 50 }, () => limited())
    expect(calls).to.equal(1)
    release.forEach((r) => r())
    expect(await Promise.all(all)).to.deep.equal(Array(50).fill(1))
  })

  it('refuses at once beyond perMinute fetches in 60 s, never queueing, and allows again after the window', async () => {
    const limited = limitFetches(fetch, 3, refuse, () => clock)
    const results: string[] = []
    for (let i = 0; i < 10; i++) {
      const p = settle(limited())
      release.forEach((r) => r())
      release = []
      results.push(await p)
      clock += 1000
    }
    expect(results).to.deep.equal(['ok', 'ok', 'ok', ...Array(7).fill('refused')])
    expect(calls).to.equal(3)
    clock = 60_000
    const p = settle(limited())
    release.forEach((r) => r())
    expect(await p).to.equal('ok')
    expect(calls).to.equal(4)
  })

  it('a failed fetch counts, and the next caller starts a new one', async () => {
    let n = 0
    const limited = limitFetches(() => (n++ === 0 ? Promise.reject(new Error('down')) : Promise.resolve(n)), 5, refuse, () => clock)
    expect(await settle(limited())).to.equal('down')
    expect(await limited()).to.equal(2)
  })

  it('counts a sliding window: each start frees its slot exactly 60 s later (on a real clock\'s values)', async () => {
    const t0 = 1_700_000_000_000
    clock = t0
    const limited = limitFetches(fetch, 2, refuse, () => clock)
    const at = async (t: number) => {
      clock = t0 + t
      const p = settle(limited())
      release.forEach((r) => r())
      release = []
      return p
    }
    const results: string[] = []
    for (const t of [0, 10_000, 20_000, 59_999, 60_000, 60_001, 69_999, 70_000, 119_999, 120_000]) results.push(`${t} ${await at(t)}`)
    expect(results).to.deep.equal([
      '0 ok',
      '10000 ok',
      '20000 refused',
      '59999 refused',
      '60000 ok',
      '60001 refused',
      '69999 refused',
      '70000 ok',
      '119999 refused',
      '120000 ok',
    ])
    expect(calls).to.equal(5)
  })

  it('a fetch that throws synchronously rejects its callers, and the next caller starts a new one', async () => {
    let n = 0
    const limited = limitFetches(
      () => {
        if (n++ === 0) throw new Error('thrown')
        return Promise.resolve(n)
      },
      5,
      refuse,
      () => clock,
    )
    const first = limited()
    expect(first).to.be.instanceOf(Promise)
    expect(await settle(first)).to.equal('thrown')
    expect(await limited()).to.equal(2)
  })
})
