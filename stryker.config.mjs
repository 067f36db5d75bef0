// StrykerJS configuration for `npm run test:mutation` (see test/MUTATION.md and the README's
// "Mutation testing"). Stryker itself lives in tools/mutation/ with its own lockfile; the npm script
// installs it on first use.
//
// Environment (all optional):
//   MUTATION_TIERS        comma-separated test tiers: unit, integration, security
//                         (default "unit,integration"; "security" alone, in a run of its own, for
//                         mutants the other two leave, e.g. in http.ts and token-verifier.ts)
//   MUTATION_CONCURRENCY  parallel test-runner processes (default 4: the tests mostly wait on loopback
//                         I/O, so four workers kept a quiet 2-core machine at a load of about 1; use 1
//                         or 2 beside other work)
//   MUTATION_INCREMENTAL  "false" for a full run that ignores reports/mutation/incremental.json
//   MUTATION_REPORT_DIR   where this run's reports and incremental file go (default reports/mutation,
//                         or reports/mutation-security for the security tier)
// Narrow a run to some files on the command line, e.g.
//   npm run test:mutation -- --mutate lib/credentials.ts
import { existsSync } from 'node:fs'

/** @type {Record<string, string[]>} */
const tierSpecs = {
  unit: ['test/unit/**/*.test.ts'],
  integration: ['test/integration/**/*.test.ts'],
  security: [
    'test/security/attacks.test.ts',
    'test/security/upstream-faults.test.ts',
    'test/security/hostile-input.test.ts',
    'test/security/load.test.ts',
    'test/security/secrets.test.ts',
  ],
}

const tiers = (process.env.MUTATION_TIERS ?? 'unit,integration')
  .split(',')
  .map((tier) => tier.trim())
  .filter((tier) => tier !== '')
for (const tier of tiers) {
  if (!(tier in tierSpecs)) {
    throw new Error(`MUTATION_TIERS: unknown tier "${tier}" (known: ${Object.keys(tierSpecs).join(', ')})`)
  }
}

// The security suite's root hooks scan everything the process logs for known secrets, and the other
// tiers handle passwords on purpose (a test of the password length check, say): in one process the
// scan reports them as leaks. The security tier runs in a run of its own.
if (tiers.includes('security') && tiers.length > 1) {
  throw new Error('MUTATION_TIERS: run the security tier on its own (MUTATION_TIERS=security), not with other tiers')
}

// The security tier's run keeps its reports and incremental file apart, so the two runs do not
// overwrite each other; `npm run mutation:summary` merges both reports.
// MUTATION_REPORT_DIR puts a run's reports elsewhere: a full run split into parts (one `--mutate`
// list each) keeps one report per part, and the summary merges them.
// The security tier's secrets test starts the example app, which imports the package by its name, that
// is the built dist/: that tier's sandbox keeps dist/ (unmutated; the tests of lib/ import lib/ itself).
const keepDist = tiers.includes('security')
if (keepDist && !existsSync('dist/index.js')) {
  throw new Error('MUTATION_TIERS=security needs the built package: run `npm run build` first')
}

const reportDir = process.env.MUTATION_REPORT_DIR ?? (tiers.includes('security') ? 'reports/mutation-security' : 'reports/mutation')

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export const baseConfig = {
  testRunner: 'mocha',
  // Stryker and its mocha runner are in tools/mutation/node_modules, not the package's own.
  plugins: ['@stryker-mutator/mocha-runner'],
  mutate: ['lib/**/*.ts', '!lib/testing/**'],
  // The sandbox copy needs lib/, test/ and what the tests read; the rest is left out to keep it small.
  ignorePatterns: [
    ...(keepDist ? [] : ['dist']),
    'reports',
    'tools',
    'coverage',
    'test-results',
    'bench-profiles',
    '*.tgz',
    '.stryker-tmp*',
  ],
  coverageAnalysis: 'perTest',
  mochaOptions: {
    // Not the project's .mocharc.json: the spec list comes from MUTATION_TIERS.
    'no-config': true,
    'no-package': true,
    spec: tiers.flatMap((tier) => tierSpecs[tier] ?? []),
    extension: ['ts'],
    // The security tier's root hooks (unhandled-rejection and leak checks).
    require: tiers.includes('security') ? ['test/security/hooks.ts'] : [],
    // No mocha `timeout`: Stryker's runner turns mocha's off and applies its own (timeoutMS below).
  },
  // mocha's `node-option` is a CLI feature: Stryker's workers need tsx's loader passed directly.
  testRunnerNodeArgs: ['--import', 'tsx'],
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 4),
  timeoutMS: 10000,
  // The dry run takes 2 minutes on a quiet machine and passed Stryker's default 5 on a loaded one.
  dryRunTimeoutMinutes: 20,
  incremental: process.env.MUTATION_INCREMENTAL !== 'false',
  incrementalFile: `${reportDir}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${reportDir}/index.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  // One sandbox folder per report folder, so the parts of a split run (or the security tier's run)
  // can run side by side without one cleaning up the other's sandbox.
  tempDirName: `.stryker-tmp-${reportDir.replace(/^reports\//, '')}`,
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null },
}

export default baseConfig
