/**
 * Writes bench/RESULTS.svg (the ratio chart) from an existing bench/RESULTS.md, without running the
 * bench: `node --import tsx bench/chart.ts [RESULTS.md]`. `npm run bench` writes it itself.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chartRatios, ratioChartSvg } from './report.js'

const results = process.argv[2] ?? fileURLToPath(new URL('RESULTS.md', import.meta.url))
const svg = results.replace(/\.md$/, '.svg')
writeFileSync(svg, ratioChartSvg(chartRatios(readFileSync(results, 'utf8'))))
console.log(`wrote ${svg}`)
