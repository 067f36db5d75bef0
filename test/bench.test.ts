/**
 * `npm run bench -- --quick` runs once in the suite so the bench cannot rot. No timed assertions: only
 * that it runs, every route signs in without errors, and the figures are computed and sane.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { type Figures, pairedRatio, rssCheckpoints } from '../bench/report.js'

describe('npm run bench -- --quick', function () {
  this.timeout(180_000)
  let dir: string
  let figures: Figures
  let table: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-'))
    const json = join(dir, 'figures.json')
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--json', json], {
      cwd: new URL('..', import.meta.url),
    })
    table = stdout
    figures = JSON.parse(readFileSync(json, 'utf8')) as Figures
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('signs in on every route without errors, at a non-zero rate', () => {
    for (const name of ['strategy', 'hand-rolled', 'floor']) {
      const route = figures.routes[name]!
      expect(route.errors, name).to.equal(0)
      expect(route.loginsPerSec, name).to.be.greaterThan(0)
      expect(route.cpuMsPerLogin, name).to.be.greaterThan(0)
      expect(route.p99, name).to.be.at.least(route.p50)
    }
  })

  it('counts upstream requests per login: one for the strategy and the floor, two for the hand-rolled way', () => {
    expect(figures.routes['strategy']!.upstreamPerLogin).to.equal(1)
    expect(figures.routes['floor']!.upstreamPerLogin).to.equal(1)
    expect(figures.routes['hand-rolled']!.upstreamPerLogin).to.equal(2)
  })

  it('measures the page and the verification path, and prints the table with every goal', () => {
    expect(figures.pages.errors).to.equal(0)
    expect(figures.pages.signedInPerSec).to.be.greaterThan(0)
    expect(figures.pages.anonymousPerSec).to.be.greaterThan(0)
    for (const [run, us] of Object.entries(figures.pages.cpuUs)) expect(us, run).to.be.greaterThan(0)
    expect(figures.verify.libraryPerSec).to.be.greaterThan(0)
    expect(figures.verify.rawPerSec).to.be.greaterThan(0)
    for (const goal of figures.goals) expect(table).to.contain(`| ${goal.name} |`)
    expect(figures.goals.map((g) => g.name)).to.have.length(6)
  })

  it('samples RSS after 1,000 logins, every 10,000, and at the end', () => {
    expect(rssCheckpoints(50_000)).to.deep.equal([1000, 10_000, 20_000, 30_000, 40_000, 50_000])
    expect(rssCheckpoints(25_000)).to.deep.equal([1000, 10_000, 20_000, 25_000])
    expect(rssCheckpoints(1000)).to.deep.equal([1000])
  })

  it('takes ratios as the median of back-to-back pairs, so one disturbed round does not move them', () => {
    const seg = (count: number) => ({ count, elapsedMs: 1000, cpuMs: count })
    const a = [seg(90), seg(90), seg(10), seg(90), seg(90)] // the third round hit by load from elsewhere
    const b = [seg(100), seg(100), seg(100), seg(100), seg(100)]
    expect(pairedRatio(a, b, (x) => x.count / (x.elapsedMs / 1000))).to.be.closeTo(0.9, 1e-9)
    expect(pairedRatio([seg(50)], [seg(100)], (x) => x.count)).to.equal(0.5)
  })
})
