/**
 * tools/mutation/summary.ts, which turns Stryker's JSON reports into the figures of test/MUTATION.md:
 * the score is (killed + timed out) / valid mutants, and a mutant killed by either of two runs (the
 * security tier's run of its own and the unit + integration run) counts as killed once.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { type Mutant, type Report, mergeReports, score } from '../../tools/mutation/summary.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

function mutant(line: number, status: string, replacement = 'true'): Mutant {
  return {
    mutatorName: 'ConditionalExpression',
    replacement,
    status,
    location: { start: { line, column: 1 }, end: { line, column: 9 } },
  }
}

describe('mutation summary (tools/mutation/summary.ts)', () => {
  it('scores killed and timed-out mutants over the valid ones, leaving compile errors and ignored mutants out', () => {
    const figures = score([
      mutant(1, 'Killed'),
      mutant(2, 'Timeout'),
      mutant(3, 'Survived'),
      mutant(4, 'NoCoverage'),
      mutant(5, 'CompileError'),
      mutant(6, 'Ignored'),
    ])
    expect(figures).to.deep.equal({ detected: 2, survived: 1, noCoverage: 1, valid: 4, score: 0.5 })
    expect(score([]).score).to.equal(1)
  })

  it('merges two runs mutant by mutant: detected in either counts once', () => {
    const unit: Report = { files: { 'lib/a.ts': { mutants: [mutant(1, 'Survived'), mutant(2, 'Killed'), mutant(3, 'NoCoverage')] } } }
    const security: Report = {
      files: {
        'lib/a.ts': { mutants: [mutant(1, 'Killed'), mutant(2, 'Survived'), mutant(3, 'Survived'), mutant(3, 'Killed', 'false')] },
        'lib/b.ts': { mutants: [mutant(7, 'Timeout')] },
      },
    }
    const merged = mergeReports([unit, security])
    const a = [...merged.get('lib/a.ts')!.values()]
    // Same place, another replacement: another mutant.
    expect(a).to.have.length(4)
    expect(score(a)).to.deep.equal({ detected: 3, survived: 1, noCoverage: 0, valid: 4, score: 0.75 })
    expect(score(merged.get('lib/b.ts')!.values()).score).to.equal(1)
  })

  it('prints the table, lists survivors and fails --check below the targets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mutation-summary-'))
    try {
      const report: Report = { files: { 'lib/credentials.ts': { mutants: [mutant(1, 'Killed'), mutant(2, 'Survived', '""')] } } }
      const path = join(dir, 'mutation.json')
      await writeFile(path, JSON.stringify(report))
      const args = ['--import', 'tsx', 'tools/mutation/summary.ts', '--survivors', '--check', path]
      const failure = await promisify(execFile)(process.execPath, args, { cwd: root }).then(
        () => undefined,
        (err: { code: number; stdout: string; stderr: string }) => err,
      )
      expect(failure, 'exit status').to.not.equal(undefined)
      expect(failure!.code).to.equal(1)
      expect(failure!.stdout).to.include('| lib/credentials.ts | 50.0 % | 1 / 2 | 1 | 0 |')
      expect(failure!.stdout).to.include('S lib/credentials.ts:2:1 ConditionalExpression "\\"\\""')
      expect(failure!.stderr).to.include('lib/credentials.ts 50.0 % < 90 %')
      expect(failure!.stderr).to.include('lib/jwt-rs256.ts: not in the report(s)')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
