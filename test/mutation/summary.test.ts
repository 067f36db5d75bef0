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
import { type Mutant, type Report, mergeReports, score, survivorRanges } from '../../tools/mutation/summary.js'

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

  it('lists the lines of the mutants left as --mutate ranges, once each, for a run of another tier', async () => {
    const spanning: Mutant = { ...mutant(9, 'NoCoverage'), location: { start: { line: 9, column: 3 }, end: { line: 11, column: 1 } } }
    const report: Report = {
      files: {
        'lib/b.ts': { mutants: [mutant(5, 'Survived')] },
        'lib/a.ts': { mutants: [spanning, mutant(4, 'Survived'), mutant(4, 'Survived', 'false'), mutant(2, 'Killed'), mutant(3, 'Timeout'), mutant(6, 'CompileError')] },
      },
    }
    expect(survivorRanges(mergeReports([report]))).to.deep.equal(['lib/a.ts:4-4', 'lib/a.ts:9-11', 'lib/b.ts:5-5'])
    const dir = await mkdtemp(join(tmpdir(), 'mutation-summary-'))
    try {
      const path = join(dir, 'mutation.json')
      await writeFile(path, JSON.stringify(report))
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/mutation/summary.ts', '--ranges', path], { cwd: root })
      expect(stdout).to.equal('lib/a.ts:4-4,lib/a.ts:9-11,lib/b.ts:5-5\n')
      await writeFile(path, JSON.stringify({ files: { 'lib/a.ts': { mutants: [mutant(2, 'Killed')] } } }))
      const none = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/mutation/summary.ts', '--ranges', path], { cwd: root }).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      )
      expect(none?.code).to.equal(1)
      expect(none?.stderr).to.include('no surviving or uncovered mutant in the report(s): nothing to run')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a report that is not there: exit 1 with one line naming it, no stack trace', async () => {
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/mutation/summary.ts', 'reports/nothing-here/mutation.json'], { cwd: root }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    )
    expect(failure?.code).to.equal(1)
    expect(failure?.stderr.trim()).to.equal('mutation:summary: no report at reports/nothing-here/mutation.json: run `npm run test:mutation` first, or name a mutation.json')
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
