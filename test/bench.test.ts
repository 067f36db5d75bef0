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
import type { Figures } from '../bench/report.js'

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
    expect(figures.verify.libraryPerSec).to.be.greaterThan(0)
    expect(figures.verify.rawPerSec).to.be.greaterThan(0)
    for (const goal of figures.goals) expect(table).to.contain(`| ${goal.name} |`)
    expect(figures.goals.map((g) => g.name)).to.have.length(6)
  })
})
