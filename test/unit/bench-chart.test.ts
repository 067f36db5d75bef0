/**
 * The bench's ratio chart (bench/RESULTS.svg) draws exactly the bold ratios of RESULTS.md, and the
 * committed chart is the one the committed RESULTS.md gives.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { chartRatios, ratioChartSvg } from '../../bench/report.js'

const results = readFileSync(new URL('../../bench/RESULTS.md', import.meta.url), 'utf8')

describe('bench ratio chart', () => {
  it('takes every bold ratio of RESULTS.md, with its section', () => {
    const ratios = chartRatios(results)
    const bold = [...results.matchAll(/\*\*([\d.]+)\*\*/g)].map(([, v]) => Number(v))
    expect(ratios.map((r) => r.value)).to.deep.equal(bold)
    expect(ratios.length).to.be.greaterThan(3)
    expect(ratios[0]).to.deep.include({ section: 'MemoryStore', label: 'logins/s strategy/floor' })
  })

  it('the committed RESULTS.svg is the chart of the committed RESULTS.md', () => {
    const committed = readFileSync(new URL('../../bench/RESULTS.svg', import.meta.url), 'utf8')
    expect(committed).to.equal(ratioChartSvg(chartRatios(results)))
    for (const r of chartRatios(results)) expect(committed).to.contain(`>${r.value}</text>`)
  })
})
