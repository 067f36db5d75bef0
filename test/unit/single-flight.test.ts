import { expect } from 'chai'
import { SingleFlight } from '../../lib/single-flight.js'

describe('SingleFlight', () => {
  it('shares one call among callers of the same key while it runs', async () => {
    const flight = new SingleFlight<number>()
    let calls = 0
    let finish!: (n: number) => void
    const call = () => {
      calls++
      return new Promise<number>((resolve) => (finish = resolve))
    }
    const a = flight.run('s1', call)
    const b = flight.run('s1', call)
    expect(flight.current('s1')).to.equal(a)
    finish(7)
    expect(await Promise.all([a, b])).to.deep.equal([7, 7])
    expect(calls).to.equal(1)
  })

  it('runs different keys separately', async () => {
    const flight = new SingleFlight<string>()
    const seen: string[] = []
    const results = await Promise.all(['a', 'b'].map((k) => flight.run(k, async () => (seen.push(k), k.toUpperCase()))))
    expect(results).to.deep.equal(['A', 'B'])
    expect(seen).to.deep.equal(['a', 'b'])
  })

  it('forgets a key once its call settles, and never caches a failure', async () => {
    const flight = new SingleFlight<number>()
    const failed = await flight.run('k', async () => Promise.reject(new Error('down'))).catch((e: Error) => e.message)
    expect(failed).to.equal('down')
    expect(flight.size).to.equal(0)
    expect(flight.current('k')).to.equal(undefined)
    expect(await flight.run('k', async () => 2)).to.equal(2)
  })

  it('shares a rejection among the callers of one call', async () => {
    const flight = new SingleFlight<number>()
    let calls = 0
    const call = async () => {
      calls++
      await new Promise((r) => setImmediate(r))
      throw new Error('refused')
    }
    const outcomes = await Promise.allSettled([flight.run('k', call), flight.run('k', call)])
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected'])
    expect(calls).to.equal(1)
  })

  it('never caches a call that throws before it awaits (a synchronous throw, not a rejection)', async () => {
    const flight = new SingleFlight<number>()
    const sync = (() => {
      throw new Error('thrown at once')
    }) as unknown as () => Promise<number>
    const failed = await flight.run('k', sync).catch((e: Error) => e.message)
    expect(failed).to.equal('thrown at once')
    expect(flight.size).to.equal(0)
    expect(flight.current('k')).to.equal(undefined)
    expect(await flight.run('k', async () => 3)).to.equal(3)
  })
})
