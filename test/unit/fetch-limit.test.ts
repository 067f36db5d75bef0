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
})
